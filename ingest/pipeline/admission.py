"""Admission of a recorded file version: what is already settled (done, duplicate), what is offered
again (failed, changed), and duplicates by content, before any planning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.contract import ParserChooser
from ingest.ledger import FileRecord, Ledger
from ingest.models import SourceFile
from ingest.pipeline.content_pins import attachment_copies
from ingest.pipeline.filing_records import FileMover
from ingest.pipeline.outcome import Outcome


class Admission:
    """Settles a claimed, just-recorded row or hands it on for planning."""

    def __init__(
        self,
        ledger: Ledger,
        parsers: ParserChooser,
        moves: FileMover,
        *,
        planned_here: Callable[[FileRecord], bool],
    ) -> None:
        self._ledger = ledger
        self._parsers = parsers
        self._moves = moves
        self._planned_here = planned_here

    def admit_claimed(self, record: FileRecord, source: SourceFile, force: bool) -> FileRecord | Outcome:
        if record.state == "done" and not self._planned_here(record):
            # Done on another tenant (BENCHLING_URL named it then): this tenant has not got it yet. Its
            # plan here derives this tenant's ids, so a run this tenant already holds is adopted.
            record = self._ledger.reoffer(
                record.id, detail=f"done on another tenant (run {record.run_id}); offered for this one"
            )
        if record.state == "done":
            record = self._file_left_behind(record, source)
            if force and record.forced:  # forced already by a forcing command this one covers
                message = f"already ingested again (generation {record.generation}) by an earlier --force"
                return Outcome("already_done", record, message + " that did not finish; nothing created")
            return Outcome("already_done", record, "already ingested; nothing created")
        if record.state == "duplicate" and not force:
            record = self._file_left_behind(record, source)
            return Outcome("duplicate", record, f"same content as ledger row {record.duplicate_of}")
        if record.state in ("failed", "duplicate", "changed"):
            # Offering a failed (or forced duplicate) version again is a request to try it again.
            record = self._ledger.reoffer(record.id, detail="offered again")
        # Only exports can be duplicates: a file no parser reads (a trace file beside its export) may
        # share its bytes with another one and still be needed where it is.
        if record.state == "discovered" and not record.forced and self._parsers.claims(record.path):
            original = self._original_of(record)
            if original is not None:
                return self._mark_duplicate(record, source, original)
        return record

    def _original_of(self, record: FileRecord) -> FileRecord | None:
        """The row this content already belongs to, if any.

        Two copies taken by two workers at once each find the other still ``discovered``; only the
        earlier row counts as an original then, or each would mark itself a duplicate of the other and
        the content would never be ingested.
        """
        for other in self._ledger.by_sha(record.sha256):
            if other.id == record.id or other.state in ("failed", "duplicate", "changed"):
                continue
            if not self._planned_here(other):
                continue  # that content went to another tenant, not to this one
            if other.state == "discovered" and other.id > record.id:
                continue
            return other
        return None

    def _mark_duplicate(self, record: FileRecord, source: SourceFile, original: FileRecord) -> Outcome:
        record = self._ledger.mark_duplicate(record.id, original)
        # Its trace file (a copy of the original's) goes to the archive with it, as the original's did;
        # recorded first, so a move a kill interrupts is completed with it.
        copies = attachment_copies(record.path, original.path, original.plan)
        if copies:
            self._ledger.record_attachments(record.id, copies)
        record = self._moves.archive(record, source)
        return Outcome("duplicate", record, f"same content as '{original.path}' (ledger row {original.id})")

    def file_copies_of_duplicates(self, original: FileRecord) -> None:
        """Now that ``original`` has a plan: duplicates marked while it had none (both copies arrived
        together) get their copies of its attachment files recorded and archived with them, so a trace
        file that came along with a duplicate export is not left to be quarantined as unread."""
        if original.plan is None:
            return
        for other in self._ledger.by_sha(original.sha256):
            if other.state != "duplicate" or other.duplicate_of != original.id:
                continue
            if self._ledger.attachment_paths(other.id):
                continue  # recorded when it was marked (the original was planned then)
            copies = attachment_copies(other.path, original.path, original.plan)
            if not copies:
                continue
            claimed = self._ledger.claim(other.id)
            if claimed is None:
                continue  # another worker has it; the copies wait for their own rows' turn
            try:
                self._ledger.record_attachments(other.id, copies)
                source = SourceFile(other.path, other.sha256, other.size, other.mtime_ns)
                self._moves.archive(claimed, source)
            finally:
                self._ledger.release(other.id)

    def _file_left_behind(self, record: FileRecord, source: SourceFile) -> FileRecord:
        """Archive a finished file that is still where it was found (see ``is_finished``)."""
        return self._moves.archive(record, source) if self._moves.left_behind(record) else record

    def is_finished(self, path: Path, size: int, mtime_ns: int) -> bool:
        """For the watcher: the ledger has this version and nothing is left to do for it.

        A process killed between saving ``done``/``duplicate``/``failed`` and moving the file leaves a
        finished row whose file is still in the drop folder; such a version is offered again so that
        ``ingest`` can move it (and a failed one is tried again, then quarantined with its report).
        """
        if not self._ledger.is_known(path, size, mtime_ns):
            return False
        record = self._ledger.latest_at_path(path)
        if record is None or (record.size, record.mtime_ns) != (size, mtime_ns):
            return True
        if record.state == "failed":
            return (
                record.final_path is not None
                or record.root is None
                or self._moves.options.failed_dir is None
                or self._moves.quarantine_given_up(record)
            )
        if record.state == "changed":
            return False  # this very version is back: it is offered again
        return not self._moves.left_behind(record)
