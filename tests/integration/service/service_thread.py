"""The service as ``watch`` makes it (mapping kept in step with its file, pause check), run in a thread of
the test so its state can be read, with short waits (settle 0.3 s, mapping settle 0.2 s, pause backoff
0.2 s)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.filing import FilingOptions
from ingest.operations.mapping_upkeep import kept_in_step, read_mapping
from ingest.operations.preflight import PauseRecheck
from ingest.pipeline import IngestService
from ingest.pipeline.factory import open_pipeline
from ingest.pipeline.service import known_unless_unreachable
from ingest.settings import Settings
from ingest.watch import DEFAULT_EXCLUDES, FolderWatcher, WatchOptions


@contextmanager
def service_in_thread(
    settings: Settings,
    inbox: Path,
    filing: FilingOptions,
    *,
    start_paused: str | None = None,
    look_every: float = 0.05,
) -> Iterator[IngestService]:
    """The running service watching ``inbox``, stopped (and checked to have stopped) at the end;
    ``look_every``: how often the mapping file is looked at on its own."""
    start = read_mapping(settings)
    with open_pipeline(settings, filing_options=filing, schema_map=start.schema_map) as pipeline:
        mapping = kept_in_step(settings, pipeline, start, settle_seconds=0.2, poll_seconds=look_every)
        options = WatchOptions(
            settle_seconds=0.3, rescan_seconds=0.5, exclude=(*DEFAULT_EXCLUDES, "*_trace.csv")
        )
        watcher = FolderWatcher([inbox], options, is_known=known_unless_unreachable(pipeline))
        service = IngestService(
            pipeline,
            watcher,
            workers=2,
            poll_seconds=0.1,
            pause_check=PauseRecheck(settings, pipeline, mapping),
            pause_backoff=(0.2, 1.0),
            mapping=mapping,
        )
        if start_paused is not None:
            service.pause(start_paused)
        thread = threading.Thread(target=service.run, name="ingest-service")
        thread.start()
        try:
            yield service
        finally:
            service.stop()
            thread.join(timeout=30)
        assert not thread.is_alive(), "the service did not stop within 30 s"
