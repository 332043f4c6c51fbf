"""The ledger's interface: what the pipeline, the operations and every backend agree on.

A backend (SQLite for one machine, PostgreSQL for several hosts) persists each write atomically before
it returns, checks state changes with :func:`~ingest.ledger.records.check_transition`, and is safe to
share between the threads of one process. Every write returns the row as it now is. A state change
clears ``inflight`` and the retry schedule.

Claims: one worker at a time works on a row. A worker ``claim``s it (None: another thread, process or
host holds it) and ``release``s it when done; ``claim_due`` claims several pending rows at once for the
threads that will take them. Where several processes share a ledger a claim is a lease in the row that
a live process renews; a dead process's leases run out and another process may claim the row. A write
to a row whose claim this process lost (another took it over) raises ``LeaseLostError`` instead of
overwriting; so does a write to a row another process holds now. A ledger that cannot be reached
raises ``LedgerUnavailableError`` (retryable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.ledger.forcings import Forcing
from ingest.ledger.instances import InstanceRecord
from ingest.ledger.records import FileRecord, InflightStep, State
from ingest.models import RunPlan, SourceFile


class Ledger(Protocol):
    # -- reads ----------------------------------------------------------------------------------------

    def get(self, file_id: int) -> FileRecord:
        """The row; LedgerError when there is none."""
        ...

    def is_known(self, path: Path, size: int, mtime_ns: int) -> bool:
        """True when this exact version of ``path`` (size and mtime) is already recorded."""
        ...

    def by_sha(self, sha256: str) -> list[FileRecord]:
        """Rows with this content, oldest first."""
        ...

    def latest_at_path(self, path: Path, *, before_id: int | None = None) -> FileRecord | None: ...

    def pending(self, *, now: float | None = None, include_waiting: bool = False) -> list[FileRecord]:
        """Unfinished rows, oldest first; rows waiting for a retry time are left out unless asked."""
        ...

    def in_state(self, *states: State) -> list[FileRecord]: ...

    def counts(self) -> dict[str, int]:
        """Rows per state, every state listed."""
        ...

    def recent_failures(self, limit: int = 10) -> list[FileRecord]:
        """Rows with a recorded error, most recently updated first."""
        ...

    def last_success(self) -> FileRecord | None: ...

    def events(self, file_id: int) -> list[dict[str, Any]]:
        """The row's history: ``at``, ``from_state``, ``to_state``, ``detail``, oldest first."""
        ...

    def attachment_owners(self, path: Path) -> list[FileRecord]:
        """Rows of exports that name ``path`` as an attachment, newest first."""
        ...

    def attachment_paths(self, file_id: int) -> list[Path]: ...

    def unfiled(self) -> list[FileRecord]:
        """Finished rows of watched files whose move to the archive or quarantine is not recorded."""
        ...

    def counters(self) -> dict[str, int]: ...

    def instances(self, *, include_finished: bool = False) -> list[InstanceRecord]:
        """Commands using the ledger, newest first; stopped and dead ones only when asked. Running ones
        whose heartbeat is older than the ledger's lease are reported (and recorded) dead."""
        ...

    # -- claims -----------------------------------------------------------------------------------------

    @property
    def owner(self) -> str:
        """This process's instance id (``host/pid/random``): what its claims are held under."""
        ...

    def claim(self, file_id: int) -> FileRecord | None:
        """Hold the row for the calling thread: the row as it now is, or None when another worker
        holds it. LedgerError when there is no such row."""
        ...

    def release(self, file_id: int) -> None:
        """Let the row go (never raises: an unreachable database lets the lease run out instead)."""
        ...

    def claim_due(
        self,
        *,
        limit: int | None = None,
        roots: Sequence[Path] = (),
        include_waiting: bool = False,
        now: float | None = None,
    ) -> list[FileRecord]:
        """Claim up to ``limit`` unfinished rows whose next attempt is due (all with ``include_waiting``),
        oldest first, skipping rows others hold; each is handed to the first thread that ``claim``s it.
        A shared ledger offers only rows this process may reach: those under ``roots`` (folders it
        watches), those its own host found, whose finder has stopped."""
        ...

    def register_instance(self, command: str, folders: Sequence[Path] = ()) -> InstanceRecord:
        """Record this process as running ``command`` (on ``folders``) and heartbeat until ``close``."""
        ...

    def publish_snapshot(self, snapshot: Mapping[str, Any]) -> None:
        """Store ``snapshot`` (JSON-ready) on this process's instance row and renew its heartbeat; does
        nothing before ``register_instance``. Other processes read it through ``instances``."""
        ...

    # -- state changes ---------------------------------------------------------------------------------

    def record_discovered(
        self,
        source: SourceFile,
        *,
        root: Path | None = None,
        forced: bool = False,
        forcing: Forcing | None = None,
    ) -> FileRecord:
        """Insert a row for this file version, or return the newest existing one (same path, size,
        mtime and hash). ``forced`` inserts a new row, the file ingested again, unless the newest row is a
        forced one still unfinished, or one the ``forcing`` command covers (ignored when not forced)."""
        ...

    def now(self) -> float:
        """The time now on the clock the ledger's own timestamps use (heartbeats, events): the database
        server's for a shared ledger, so hosts whose clocks differ agree on an instance's age."""
        ...

    def begin_forcing(self, command: str) -> Forcing:
        """Record a forcing command; it covers the forcings still open (``ingest.ledger.forcings``)."""
        ...

    def finish_forcing(self, forcing: Forcing) -> None:
        """The forcing went through every file: it and those it covers are closed."""
        ...

    def reoffer(self, file_id: int, *, detail: str) -> FileRecord:
        """A failed, duplicate, attachment or changed row back to ``discovered`` (its error cleared)."""
        ...

    def mark_planned(
        self, file_id: int, plan: RunPlan, *, generation: int = 0, detail: str | None = None
    ) -> FileRecord:
        """Store the plan (every body and derived id) and its ``generation``, and move to ``planned``.
        Blob ids, transaction id and result ids of an earlier attempt are cleared."""
        ...

    def mark_blobs_uploaded(self, file_id: int) -> FileRecord: ...

    def mark_run_created(
        self, file_id: int, *, run_id: str | None = None, detail: str | None = None
    ) -> FileRecord:
        """The run exists (created, or found and adopted: say so in ``detail``). ``run_id`` replaces the
        planned id when Benchling holds the run under another one (a tenant that assigns its own ids)."""
        ...

    def mark_done(
        self,
        file_id: int,
        result_ids: Sequence[str],
        *,
        run_id: str | None = None,
        detail: str | None = None,
    ) -> FileRecord:
        """Run and results exist; ``result_ids`` are the ids Benchling holds them under."""
        ...

    def mark_changed(self, file_id: int, *, detail: str) -> FileRecord:
        """Terminal: the file changed before its run was created, so this version is not ingested (a
        newer version is, as its own row). ``detail`` says what changed."""
        ...

    def mark_failed(self, file_id: int, error: Mapping[str, Any]) -> FileRecord:
        """Terminal failure with its error (``IngestError.to_dict()`` shape)."""
        ...

    def mark_duplicate(self, file_id: int, original: FileRecord) -> FileRecord: ...

    def mark_attachment(self, file_id: int, owner: FileRecord) -> FileRecord:
        """The file was uploaded as an attachment of ``owner``'s export."""
        ...

    # -- checkpoints within a state ----------------------------------------------------------------------

    def mark_inflight(self, file_id: int, step: InflightStep) -> FileRecord:
        """Saved before a create is sent: on resume the create is checked for before it is sent again."""
        ...

    def record_blob(self, file_id: int, key: str, blob_id: str) -> FileRecord:
        """Store one uploaded blob's id at once: an unlinked blob cannot be found again later."""
        ...

    def record_transaction(self, file_id: int, transaction_id: str) -> FileRecord:
        """The result transaction a create uses, saved before it is used."""
        ...

    def record_transient_failure(
        self, file_id: int, error: Mapping[str, Any], *, retry_at: float
    ) -> FileRecord:
        """Keep the row in its state, count the attempt and schedule the next one."""
        ...

    def reschedule(self, file_id: int, *, retry_at: float) -> FileRecord:
        """Move a waiting row's next attempt (``retry --all``: now)."""
        ...

    def record_problem(self, file_id: int, problem: Mapping[str, Any]) -> FileRecord:
        """An error that does not change the state (archiving or superseding failed after success)."""
        ...

    def record_final_path(self, file_id: int, path: Path) -> FileRecord:
        """Where the file was archived or quarantined."""
        ...

    def release_file(self, file_id: int) -> FileRecord:
        """The row no longer owns a file (it was put back for a retry): no root, no final path."""
        ...

    def record_attachments(self, file_id: int, paths: Sequence[Path]) -> None:
        """Remember which files in the drop folder an export will upload as its attachments."""
        ...

    def add_counter(self, name: str, amount: int = 1) -> None: ...

    def close(self) -> None:
        """Release every claim, mark this instance stopped, stop the heartbeat and close."""
        ...
