"""Rows of files that are another export's attachments, and exports waiting for their attachments.

A file no parser reads gets a row like any other; whether it is an attachment is known only once an
export that names it is planned. Such a row waits for its export: it ends as ``attachment`` when the
export is ingested, and fails with the export only when the export has failed for good: an export
that failed but is back in the drop folder (``retry`` restored it) is waited for, so the attachment
is not quarantined a second time apart from it.

The grace counts time this process has run, not time since the row's first wait: after a restart
(a reboot, a service down for longer than the grace) the export that names a waiting file, or the
attachment an export waits for, may be lying in the drop folder unplanned, and the first scans must
get to it before the waiting row gives up. It is measured on the monotonic clock (beside the wall
clock), so stepping the wall clock neither stretches nor cuts it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.errors import IngestError, NoParserError
from ingest.ledger import FileRecord, Ledger
from ingest.ledger.steady_clock import LONGEST_WAIT_SECONDS, elapsed_clock
from ingest.pipeline.outcome import Outcome

#: States of an export whose attachment files are settled with it (a duplicate export's copies are
#: archived with it, the original's run holding their content).
SETTLED = frozenset({"done", "duplicate"})
#: How long an attachment row waits before it looks at its export again.
OWNER_POLL_SECONDS = 5.0


class AttachmentRows:
    def __init__(
        self,
        ledger: Ledger,
        *,
        clock: Callable[[], float],
        grace_seconds: float,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        # No wait is planned longer than a SQLite ledger believes (ingest.ledger.steady_clock).
        self._grace = min(grace_seconds, LONGEST_WAIT_SECONDS)
        self._elapsed = elapsed_clock(clock, monotonic)
        self._grace_ends_at_the_earliest = self._elapsed() + self._grace

    def settle_if_uploaded(self, record: FileRecord) -> FileRecord:
        """A discovered row whose file is gone because its export, ingested, archived it with itself."""
        if record.state != "discovered" or record.path.exists():
            return record
        owner = next((o for o in self._ledger.attachment_owners(record.path) if o.state in SETTLED), None)
        return self._ledger.mark_attachment(record.id, owner) if owner is not None else record

    def settle_rows_of(self, export: FileRecord) -> None:
        """Rows of files this (ingested) export uploaded as attachments are finished with it."""
        for path in self._ledger.attachment_paths(export.id):
            row = self._ledger.latest_at_path(path)
            if row is not None and row.id != export.id and row.state == "discovered":
                self._ledger.mark_attachment(row.id, export)

    def defer(self, record: FileRecord, exc: IngestError) -> Outcome | dict[str, Any]:
        """A cause that may go away by itself: a file no parser reads (perhaps another export's
        attachment) or an export whose attachments are not there yet. An Outcome when the row waits or
        is settled; otherwise the error to fail it with."""
        record = self._ledger.get(record.id)
        if self._replaced(record):
            record = self._ledger.mark_changed(
                record.id, detail="replaced by another version before it was used"
            )
            return Outcome(
                "waiting", record, "replaced by another version, which goes its own way", routine=True
            )
        owners = [o for o in self._ledger.attachment_owners(record.path) if o.id != record.id]
        if isinstance(exc, NoParserError) and owners:
            owner = owners[0]
            if owner.state in SETTLED:
                record = self._ledger.mark_attachment(record.id, owner)
                return Outcome("attachment", record, f"attachment of '{owner.path}'")
            if owner.state == "failed" and not self._offered_again(owner):
                reason = (owner.last_error or {}).get("message", "see its error report")
                return {
                    **exc.to_dict(),
                    "message": f"'{record.path}' is an attachment of '{owner.path}', which failed: {reason}",
                }
            # The export that names this file is still on its way (or back for a retry): look again soon.
            retry_at = self._clock() + min(OWNER_POLL_SECONDS, self._grace or OWNER_POLL_SECONDS)
            record = self._ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            message = f"attachment of '{owner.path}', which is still in progress"
            return Outcome("waiting", record, message, routine=True)
        now = self._clock()
        grace_left = self._grace_ends_at_the_earliest - self._elapsed()
        if self._grace > 0 and (record.attempts == 0 or grace_left > 0):
            retry_at = now + (self._grace if record.attempts == 0 else grace_left)
            record = self._ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            message = (
                f"{exc.message} Waiting {retry_at - now:.0f} s for an export that names it before giving up."
            )
            return Outcome("waiting", record, message, routine=True)
        return exc.to_dict()

    @staticmethod
    def _replaced(record: FileRecord) -> bool:
        """The file at the row's path is another version now (a trace file rewritten while waiting)."""
        try:
            stat = record.path.stat()
        except OSError:
            return False  # gone: archived with its export, or moved away; decided below
        return (stat.st_size, stat.st_mtime_ns) != (record.size, record.mtime_ns)

    def _offered_again(self, owner: FileRecord) -> bool:
        """A failed export that is back: a newer row at its path is under way, or a version the ledger
        does not know yet lies there (``retry`` restored it; restoring touches it)."""
        newer = self._ledger.latest_at_path(owner.path)
        if newer is not None and newer.id != owner.id and newer.state not in ("failed", "changed"):
            return True
        try:
            stat = owner.path.stat()
        except OSError:
            return False
        return owner.path.is_file() and not self._ledger.is_known(owner.path, stat.st_size, stat.st_mtime_ns)
