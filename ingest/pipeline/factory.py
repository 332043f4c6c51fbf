"""The one place that builds the pipeline's parts from Settings: client, ledger, parser registry,
tenant lookups, the pipeline itself and the watch service. No business logic."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ingest.benchling import BenchlingClient, ClientSettings
from ingest.filing import FilingOptions
from ingest.ledger import Ledger, SqliteLedger
from ingest.load import RenderPool, render_chromatogram_png
from ingest.models import Trace
from ingest.pipeline.pipeline import Pipeline
from ingest.pipeline.service import IngestService
from ingest.resolve import CachedEntities, CachedTenant, ClientEntities, ClientTenant, load_schema_map
from ingest.settings import Settings
from ingest.watch import FolderWatcher, WatchOptions
from parsers import discover_parsers


def render_png(traces: Sequence[Trace], peaks: pd.DataFrame | None, title: str) -> bytes:
    """Draw in the calling thread (``BENCHLING_INGEST_RENDER_WORKERS=0``, and tests)."""
    return render_chromatogram_png(traces, peaks, title=title)


def open_render_pool(workers: int | None) -> RenderPool | None:
    """Render processes (``None``: one per core but one), or none when ``workers`` is 0."""
    return None if workers == 0 else RenderPool(workers)


def open_client(settings: ClientSettings) -> BenchlingClient:
    return BenchlingClient.from_settings(settings)


def open_ledger(path: Path) -> SqliteLedger:
    """The ledger at ``path`` (``":memory:"`` for a throwaway one); close it when done."""
    return SqliteLedger(path)


@contextmanager
def open_pipeline(
    settings: Settings,
    *,
    filing_options: FilingOptions | None = None,
    client: BenchlingClient | None = None,
    ledger_path: Path | None = None,
    archive_superseded: bool = False,
    attachment_grace_seconds: float = 0.0,
) -> Iterator[Pipeline]:
    """A ready pipeline; closes the client (if it made it) and the ledger on exit."""
    registry = discover_parsers(settings.parsers_dir)
    schema_map = load_schema_map(settings.map_path, known_parsers=registry.names)
    registry = registry.with_hints(schema_map.parse_hints)
    own_client = client is None
    api = client or open_client(settings.require_client())
    ledger: Ledger = open_ledger(ledger_path or settings.ledger_path)
    renders = open_render_pool(settings.render_workers)
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        yield Pipeline(
            parsers=registry,
            schema_map=schema_map,
            tenant=CachedTenant(ClientTenant(api)),
            entities=CachedEntities(ClientEntities(api)),
            client=api,
            ledger=ledger,
            work_dir=settings.home,
            filing_options=filing_options,
            render_png=renders.render if renders is not None else render_png,
            archive_superseded=archive_superseded,
            attachment_grace_seconds=attachment_grace_seconds,
        )
    finally:
        if renders is not None:
            renders.close()
        ledger.close()
        if own_client:
            api.close()


def watch_service(
    pipeline: Pipeline, folders: Sequence[Path], options: WatchOptions, *, workers: int
) -> IngestService:
    """The service loop over ``folders``: a watcher that skips what the ledger has finished, and the
    pipeline's own folder-unit suffixes."""
    options = dataclasses.replace(options, unit_suffixes=pipeline.unit_suffixes)
    watcher = FolderWatcher([f.absolute() for f in folders], options, is_known=pipeline.is_finished)
    return IngestService(pipeline, watcher, workers=workers)
