"""How a row's attempt ends when it does not complete: a pause, a retry later, quarantine, or a changed
file.

Errors that pause ingestion (``IngestError.pauses_ingestion``: credentials refused, Benchling unreachable
from the start, a mapping that does not fit the tenant) are no file's fault: the row keeps its state and
is due again at once, the file stays where it is, and the caller (the service) pauses. Retryable errors
keep the row in its state with an exponentially growing delay; other errors fail it and move the file to
quarantine with its report. A file that changed after it was read gets no run: the version is given up
when the export itself changed (its new content is a new version), and planned again after a wait when
only its attachments did. Nothing is logged here: whoever receives the
Outcome logs it once (``ingest.pipeline.outcome_log``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.errors import ContentChangedError
from ingest.ledger import FileRecord, Ledger
from ingest.ledger.steady_clock import LONGEST_WAIT_SECONDS
from ingest.models import SourceFile
from ingest.pipeline.filing_records import FileMover
from ingest.pipeline.outcome import Outcome

#: How long a file whose attachments changed mid-ingestion waits before it is planned again, at least.
CHANGED_ATTACHMENT_WAIT_SECONDS = 5.0


class RowEndings:
    def __init__(
        self,
        ledger: Ledger,
        moves: FileMover,
        *,
        clock: Callable[[], float],
        retry_base_seconds: float,
        retry_max_seconds: float,
        settle_seconds: float,
    ) -> None:
        self._ledger = ledger
        self._moves = moves
        self._clock = clock
        # No wait is planned longer than a SQLite ledger believes (ingest.ledger.steady_clock).
        self._retry_base = min(retry_base_seconds, LONGEST_WAIT_SECONDS)
        self._retry_max = min(retry_max_seconds, LONGEST_WAIT_SECONDS)
        self._settle = max(min(settle_seconds, LONGEST_WAIT_SECONDS), CHANGED_ATTACHMENT_WAIT_SECONDS)

    def failure(
        self, record: FileRecord, source: SourceFile | None, error: dict[str, Any], *, retryable: bool
    ) -> Outcome:
        record = self._ledger.get(record.id)
        if error.get("pauses_ingestion"):
            return self.paused(record, error)
        if retryable:
            delay = min(self._retry_base * 2 ** min(record.attempts, 20), self._retry_max)
            record = self._ledger.record_transient_failure(record.id, error, retry_at=self._clock() + delay)
            return Outcome("waiting", record, f"{error.get('message')} (retry in {delay:.0f} s)")
        record = self._ledger.mark_failed(record.id, error)
        record = self._moves.quarantine(record, source, error)
        return Outcome("failed", record, str(error.get("message")))

    def paused(self, record: FileRecord, error: dict[str, Any]) -> Outcome:
        """Leave the row in its state, due at once (nothing counted as an attempt), its file in place."""
        record = self._ledger.record_problem(record.id, error)
        record = self._ledger.reschedule(record.id, retry_at=self._clock())
        return Outcome("paused", record, str(error.get("message")))

    def content_changed(self, record: FileRecord, exc: ContentChangedError) -> Outcome:
        """Nothing was created: give this version up (the export changed: its new content is a new
        version) or plan it again once its changed attachments have settled."""
        record = self._ledger.mark_changed(record.id, detail=exc.message)
        if exc.export_changed:
            return Outcome("waiting", record, exc.message)
        record = self._ledger.reoffer(record.id, detail="planned again once its attachments stop changing")
        record = self._ledger.reschedule(record.id, retry_at=self._clock() + self._settle)
        return Outcome("waiting", record, exc.message)
