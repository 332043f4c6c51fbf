"""The composer: ``Pipeline`` (a file's way through the stages), the service loop, the backfill built
on the pipeline's public steps, and the factory that builds them from Settings."""

from __future__ import annotations

from ingest.pipeline.backfill import Backfill
from ingest.pipeline.forcing import ForcingScope, forcing_command
from ingest.pipeline.outcome import Outcome, OutcomeKind, summarize
from ingest.pipeline.outcome_log import log_outcome
from ingest.pipeline.pipeline import Pipeline
from ingest.pipeline.service import IngestService

__all__ = [
    "Backfill",
    "ForcingScope",
    "IngestService",
    "Outcome",
    "OutcomeKind",
    "Pipeline",
    "forcing_command",
    "log_outcome",
    "summarize",
]
