"""What happened to one file in one pass through the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.ledger import FileRecord

#: ``adopted``: Benchling already held the file's run and results (another ledger, host or working
#: directory ingested it); nothing was sent and the ledger now knows them. ``paused``: an error no file is
#: to blame for (``IngestError.pauses_ingestion``) left the file in place and its row pending.
OutcomeKind = Literal[
    "done", "adopted", "already_done", "duplicate", "failed", "waiting", "attachment", "paused"
]


@dataclass(frozen=True)
class Outcome:
    """``kind`` and a one-line ``message`` for people; ``record`` is the ledger row as it now is."""

    kind: OutcomeKind
    record: FileRecord
    message: str = ""
    #: ``waiting`` because another worker (thread, process or host) holds the row, or took it over.
    held_elsewhere: bool = False
    #: A wait that is part of normal operation (a file no parser reads, waiting for the export that names
    #: it): logged at INFO, not as a warning.
    routine: bool = False

    @property
    def path(self) -> Path:
        return self.record.path


def summarize(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """How many outcomes of each kind."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
    return counts


def held_elsewhere(record: FileRecord, message: str = "already in progress in another worker") -> Outcome:
    """The row is another worker's now: waiting, until that worker finishes it or its lease runs out."""
    return Outcome("waiting", record, message, held_elsewhere=True)
