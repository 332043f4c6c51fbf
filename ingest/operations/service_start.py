"""The ``watch`` service as it starts: made over a ready pipeline, its mapping kept in step with the
mapping file, its pause check, and paused at once when the start checks said so."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from ingest.operations.mapping_upkeep import MappingAtStart, kept_in_step
from ingest.operations.preflight import PauseRecheck, Preflight, add_check_counters
from ingest.pipeline import IngestService, Pipeline
from ingest.pipeline.factory import watch_service
from ingest.settings import Settings
from ingest.watch import WatchOptions


def started_service(
    settings: Settings,
    pipeline: Pipeline,
    start: Preflight,
    mapping: MappingAtStart,
    folders: Sequence[Path],
    options: WatchOptions,
    *,
    stop: threading.Event,
) -> IngestService:
    """The service over ``folders`` for ``pipeline`` (made with ``mapping.schema_map``), with the start
    checks' requests counted and their pause, if any, in force."""
    kept = kept_in_step(settings, pipeline, mapping)
    service = watch_service(
        pipeline,
        folders,
        options,
        workers=settings.workers,
        stop=stop,
        pause_check=PauseRecheck(settings, pipeline, kept),
        mapping=kept,
    )
    add_check_counters(pipeline, start.stats)
    if start.pause_reason is not None:
        service.pause(start.pause_reason)
    return service
