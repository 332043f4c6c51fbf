"""The load stage: a RunPlan's blobs, run and results sent to Benchling, and chromatograms rendered."""

from __future__ import annotations

from ingest.load.chromatogram_png import render_chromatogram_png
from ingest.load.holdings import (
    ByContentHash,
    ByPlannedIds,
    Holding,
    HoldingsFinder,
    PartialResultsError,
    Wanted,
)
from ingest.load.loader import MAX_BULK_RESULTS, Loader
from ingest.load.render.pool import PendingRender, RenderPool
from ingest.load.render_store import RenderStore

__all__ = [
    "MAX_BULK_RESULTS",
    "ByContentHash",
    "ByPlannedIds",
    "Holding",
    "HoldingsFinder",
    "Loader",
    "PartialResultsError",
    "PendingRender",
    "RenderPool",
    "RenderStore",
    "Wanted",
    "render_chromatogram_png",
]
