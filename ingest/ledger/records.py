"""What the ledger holds: one :class:`FileRecord` per file version, in one of a few literal states.

States move forward only::

    discovered -> planned -> blobs_uploaded -> run_created -> done
        \\-> failed (quarantined, terminal until retried)      \\-> duplicate (same content seen before)
        \\-> attachment (a file no parser reads that an ingested export uploaded as its attachment)
        \\-> changed (the file changed before its run was created: not ingested in this form)

A planned row may skip ahead (to ``run_created`` or ``done``) when Benchling already holds its run, or
its run and results: the ids are derived from the content, so what another ledger did is adopted.

Before each create the step is marked ``inflight``: ``run``; ``results`` (results being sent, or appended
to the stored result transaction); ``results_commit`` (the stored transaction being committed). A row
found with a mark after a crash means the request may have reached Benchling, so Benchling is asked by
the plan's ids before anything is sent again, and a stored transaction is committed again or aborted
before its results are sent anew.

``generation`` is part of the ids a plan derives: 0 unless the content was ingested again on purpose
(``--force``), which takes the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from ingest.errors import LedgerError
from ingest.models import RunPlan

State = Literal[
    "discovered",
    "planned",
    "blobs_uploaded",
    "run_created",
    "done",
    "failed",
    "duplicate",
    "attachment",
    "changed",
]
STATES: tuple[State, ...] = get_args(State)
TERMINAL: frozenset[State] = frozenset({"done", "failed", "duplicate", "attachment", "changed"})

#: The create a row is in the middle of: set before the request, cleared by the next state.
InflightStep = Literal["run", "results", "results_commit"]
INFLIGHT_STEPS: tuple[InflightStep, ...] = get_args(InflightStep)

ALLOWED: Mapping[State, frozenset[State]] = {
    "discovered": frozenset({"planned", "failed", "duplicate", "attachment", "changed"}),
    # Skipping ahead: Benchling already holds the run (and perhaps its results), found by their ids.
    "planned": frozenset({"blobs_uploaded", "run_created", "done", "failed", "changed"}),
    "blobs_uploaded": frozenset({"run_created", "done", "failed", "changed"}),
    "run_created": frozenset({"done", "failed"}),
    # Done on another tenant than the one now configured: offered for this one (``Admission``).
    "done": frozenset({"discovered"}),
    # A quarantined file may be put back in line (retry) or found to be a duplicate on its next try.
    "failed": frozenset({"discovered"}),
    "duplicate": frozenset({"discovered"}),
    "attachment": frozenset({"discovered"}),
    # The same version offered again (an attachment that had changed has settled).
    "changed": frozenset({"discovered"}),
}


def check_transition(file_id: int, current: State, to_state: State) -> None:
    """Raise LedgerError when ``current -> to_state`` is not an allowed move (every backend calls it)."""
    if to_state not in ALLOWED[current]:
        raise LedgerError(
            f"Ledger row {file_id} cannot move from '{current}' to '{to_state}'.",
            file_id=file_id,
            state=current,
        )


@dataclass(frozen=True)
class FileRecord:
    """One ledger row, as read. ``plan`` is decoded: the stored RunPlan with its client ids."""

    id: int
    path: Path
    root: Path | None
    size: int
    mtime_ns: int
    sha256: str
    state: State
    parser: str | None
    plan: RunPlan | None
    run_id: str | None
    blob_ids: Mapping[str, str]
    transaction_id: str | None
    result_ids: list[str]
    inflight: InflightStep | None
    attempts: int
    next_attempt_at: float | None
    last_error: dict[str, Any] | None
    duplicate_of: int | None
    previous_version: int | None
    final_path: Path | None
    forced: bool
    #: Part of the plan's derived ids: 0 unless this content was ingested again on purpose (``--force``).
    generation: int
    #: The forcing command that made this row (``ingest.ledger.forcings``); None when not forced.
    forcing: int | None
    created_at: str
    updated_at: str

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    def require_plan(self) -> RunPlan:
        """The stored plan; LedgerError when the row has none (it was never planned)."""
        if self.plan is None:
            raise LedgerError(f"Ledger row {self.id} ('{self.path}') has no stored plan.", file_id=self.id)
        return self.plan
