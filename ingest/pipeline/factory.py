"""Building the pipeline's parts from Settings (used by the commands; no business logic)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ingest.benchling import BenchlingClient, ClientSettings
from ingest.ledger.sqlite import Ledger
from ingest.load.chromatogram_png import render_chromatogram_png
from ingest.models import Trace
from ingest.pipeline.filing_records import FilingOptions
from ingest.pipeline.pipeline import Pipeline
from ingest.resolve.mapping_file import load_schema_map
from ingest.resolve.tenant import CachedEntities, CachedTenant, ClientEntities, ClientTenant
from ingest.settings import Settings
from parsers import discover_parsers


def render_png(traces: Sequence[Trace], peaks: pd.DataFrame | None, title: str) -> bytes:
    return render_chromatogram_png(traces, peaks, title=title)


def open_client(settings: ClientSettings) -> BenchlingClient:
    return BenchlingClient.from_settings(settings)


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
    own_client = client is None
    api = client or open_client(settings.require_client())
    ledger = Ledger(ledger_path or settings.ledger_path)
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
            render_png=render_png,
            archive_superseded=archive_superseded,
            attachment_grace_seconds=attachment_grace_seconds,
        )
    finally:
        ledger.close()
        if own_client:
            api.close()
