"""Filing finished ledger rows: ingested files to the archive, failed ones to quarantine, and completing
moves a kill interrupted. The moves themselves are the filing stage's; this records each in the ledger.
Nothing is ever deleted."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest import filing
from ingest.filing import FilingOptions
from ingest.filing.move_errors import LASTING_FAILURE_ATTEMPTS, is_lasting
from ingest.ledger import FileRecord, Ledger
from ingest.models import SourceFile
from ingest.pipeline.content_pins import changed_pins, export_unchanged

log = logging.getLogger("ingest.filing")


class FileMover:
    def __init__(
        self, ledger: Ledger, options: FilingOptions, *, work_dir: Path, now: Callable[[], dt.datetime]
    ) -> None:
        self.ledger = ledger
        self.options = options
        self._work_dir = work_dir
        self._now = now

    def archive(self, record: FileRecord, source: SourceFile | None) -> FileRecord:
        """Move a finished export, and the attachment files it uploaded from its folder, to the archive."""
        if self.options.archive_dir is None or record.root is None:
            return record
        now = self._now()
        try:
            target = filing.archive_group(
                source or record.path,
                self.attachments_in_root(record),
                record.root,
                self.options.archive_dir,
                now=now,
            )
        except (OSError, ValueError) as exc:
            # The file is in Benchling already; failing to move it must not fail it. It stays where it
            # is (the ledger knows this version) and the reason is kept for `status`.
            return self._not_archived(record, exc)
        return self.ledger.record_final_path(record.id, target)

    def _not_archived(self, record: FileRecord, exc: OSError | ValueError) -> FileRecord:
        """Record a failed archive move. One that fails for a lasting reason (a name or a permission the
        archive refuses) is tried a few times, at the watcher's next looks, then given up for good: the
        file stays in the drop folder, and the row says so and is not offered again."""
        earlier = record.last_error or {}
        details = earlier.get("details") if earlier.get("stage") == "archive" else None
        attempts = (details.get("attempts", 0) if isinstance(details, dict) else 0) + 1
        lasting = is_lasting(exc)
        if lasting and attempts >= LASTING_FAILURE_ATTEMPTS:
            log.error(
                "%s was ingested but could not be archived (%d attempts; given up, it stays where it is: "
                "move it by hand): %s",
                record.path,
                attempts,
                exc,
            )
            message = (
                f"ingested, but not archived after {attempts} attempts, given up: {exc}; the file stays "
                "where it is (move it by hand)"
            )
        else:
            log.error("%s was ingested but could not be archived: %s", record.path, exc)
            message = f"ingested, but not archived: {exc}"
        given_up = lasting and attempts >= LASTING_FAILURE_ATTEMPTS
        problem = {
            "stage": "archive",
            "message": message,
            "details": {"attempts": attempts, "lasting": lasting, "given_up": given_up},
        }
        return self.ledger.record_problem(record.id, problem)

    def archive_unless_changed(self, record: FileRecord, source: SourceFile | None) -> FileRecord:
        """``archive``, unless the export or an attachment changed after it was read: a changed file
        stays where it is (the watcher ingests it as a new version) and the row says why."""
        if self.options.archive_dir is None or record.root is None:
            return record
        moving = {record.path, *self.attachments_in_root(record)}
        changed = changed_pins(record.require_plan(), only=moving, missing_is_change=False)
        if not changed:
            return self.archive(record, source)
        return self._keep_changed(record, changed)

    def _keep_changed(self, record: FileRecord, changed: list[Path]) -> FileRecord:
        names = ", ".join(f"'{p}'" for p in changed)
        log.warning("%s: ingested, but %s changed since it was read; not archived", record.path, names)
        problem = {
            "stage": "archive",
            "message": f"ingested, but not archived: {names} changed after it was read; the new content "
            "is ingested as a new version",
            "details": {"changed": [str(p) for p in changed]},
        }
        return self.ledger.record_problem(record.id, problem)

    def quarantine(
        self, record: FileRecord, source: SourceFile | None, error: Mapping[str, Any]
    ) -> FileRecord:
        """Move a failed file to the quarantine folder with its ``.error.json``."""
        if self.options.failed_dir is None or record.root is None or not record.path.exists():
            return record
        try:
            target = filing.quarantine(
                source or record.path, record.root, self.options.failed_dir, error=error, now=self._now()
            )
        except (OSError, ValueError) as exc:
            log.error("%s failed and could not be quarantined either: %s", record.path, exc)
            if not is_lasting(exc):
                return record  # offered again, and quarantined once the folder takes it
            # Offering it again would only fail the same move again: it stays, failed, where it is.
            failure = dict(record.last_error or error)
            failure["not_quarantined"] = f"could not be quarantined, given up (it stays where it is): {exc}"
            return self.ledger.record_problem(record.id, failure)
        return self.ledger.record_final_path(record.id, target)

    @staticmethod
    def quarantine_given_up(record: FileRecord) -> bool:
        """A failed row whose quarantine move failed for a lasting reason: it stays in the drop folder."""
        return record.state == "failed" and "not_quarantined" in (record.last_error or {})

    def attachments_in_root(self, record: FileRecord) -> list[Path]:
        """Files in the export's watched folder that its plan uploads besides the export itself (for a
        duplicate, which has no plan: its copies of the original's attachments, as recorded)."""
        if record.root is None:
            return []
        if record.plan is not None:
            paths = {b.path for b in record.plan.blobs if b.path is not None}
        elif record.state == "duplicate":
            paths = set(self.ledger.attachment_paths(record.id))
        else:
            return []
        root = record.root.resolve()
        return sorted(
            p
            for p in paths
            if p != record.path
            and p.is_file()
            and p.resolve().is_relative_to(root)
            and not p.is_relative_to(self._work_dir)
        )

    def left_behind(self, record: FileRecord) -> bool:
        """A finished row whose file is still in the drop folder (a kill came before its move, or the
        move failed and is not given up yet)."""
        return (
            record.state in ("done", "duplicate")
            and record.final_path is None
            and record.root is not None
            and self.options.archive_dir is not None
            and not _archive_given_up(record)
            and record.path.exists()
        )

    def finish_interrupted(self, roots: Sequence[Path] | None = None) -> int:
        """Complete file moves a kill interrupted (the row is finished, its move not recorded), of files
        under ``roots`` when given (another host's folders may not be reachable from here).

        Moves are idempotent: when the file already left the drop folder, filing finds it at its
        destination by content. A row another worker holds is left to it. Returns how many rows were
        completed.
        """
        completed = 0
        for found in self.ledger.unfiled():
            if roots is not None and found.root not in roots:
                continue
            record = self.ledger.claim(found.id)
            if record is None:
                continue
            try:
                completed += self._finish_move(record)
            finally:
                self.ledger.release(found.id)
        return completed

    def _finish_move(self, record: FileRecord) -> int:
        if record.final_path is not None or record.root is None:
            return 0  # another worker finished it meanwhile
        source = SourceFile(record.path, record.sha256, record.size, record.mtime_ns)
        try:
            if record.state == "failed" and self.options.failed_dir is not None:
                error = record.last_error or {"stage": "ingest", "message": "failed"}
                target = filing.quarantine(
                    source, record.root, self.options.failed_dir, error=error, now=self._now()
                )
            elif record.state in ("done", "duplicate") and self.options.archive_dir is not None:
                if (record.last_error or {}).get("stage") == "archive":
                    return 0  # archiving failed for a reason of its own; kept for `status`
                if not export_unchanged(record.path, record.sha256, record.plan):
                    self._keep_changed(record, [record.path])
                    return 0
                # The attachment files it uploaded go with it, as in ``archive`` (a kill may have come
                # before or between these moves); nothing else would ever move them.
                attachments = self.attachments_in_root(record)
                if record.plan is not None and attachments:
                    changed = changed_pins(record.plan, only=set(attachments), missing_is_change=False)
                    if changed:
                        self._keep_changed(record, changed)
                        return 0
                target = filing.archive_group(
                    source, attachments, record.root, self.options.archive_dir, now=self._now()
                )
            else:
                return 0
        except (OSError, ValueError) as exc:
            log.warning("%s: could not complete its interrupted move: %s", record.path, exc)
            return 0
        self.ledger.record_final_path(record.id, target)
        return 1


def _archive_given_up(record: FileRecord) -> bool:
    problem = record.last_error or {}
    details = problem.get("details")
    return problem.get("stage") == "archive" and isinstance(details, dict) and details.get("given_up") is True
