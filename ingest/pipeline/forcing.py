"""The scope of one forcing command (`run --force`, `reprocess --force`) around its admissions.

The command opens a forcing in the ledger, its forced admissions name it, and it is finished only once
the command has been through every file it was given: a command killed or interrupted before leaves it
open, so the same command run again resumes or reports what was already forced instead of forcing it a
second time (``ingest.ledger.forcings``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ingest.ledger import Forcing
from ingest.pipeline.pipeline import Pipeline


class ForcingScope:
    """Handed to the command inside ``forcing_command``; ``went_through_every_file`` finishes the forcing."""

    def __init__(self, pipeline: Pipeline, forcing: Forcing) -> None:
        self._pipeline = pipeline
        self.forcing = forcing

    def went_through_every_file(self) -> None:
        self._pipeline.ledger.finish_forcing(self.forcing)


@contextmanager
def forcing_command(pipeline: Pipeline, command: str) -> Iterator[ForcingScope]:
    """Forced admissions inside belong to a new forcing, which covers the ones still open."""
    pipeline.forcing = pipeline.ledger.begin_forcing(command)
    try:
        yield ForcingScope(pipeline, pipeline.forcing)
    finally:
        pipeline.forcing = None
