"""The only composer: resume pending work, then take new files through parse -> resolve -> upload.

Each file's progress is a ledger row; every state is saved before the step that depends on it, so a
killed process resumes where it stopped and never creates anything twice. Errors decide by type:
retryable ones (Benchling unavailable) schedule a later attempt and leave the file in place;
everything else quarantines the file with its reason. Nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ingest.benchling import BenchlingClient, ClientStats
from ingest.errors import IngestError, NoParserError
from ingest.ledger.plan_codec import plan_to_json
from ingest.ledger.sqlite import FileRecord, Ledger
from ingest.load.render_store import RenderStore
from ingest.load.steps import Uploader
from ingest.models import ParsedFile, RunPlan, SourceFile
from ingest.pipeline.filing_records import FileMover, FilingOptions
from ingest.resolve.mapping_file import SchemaMap
from ingest.resolve.resolver import RenderPng, new_uuid, resolve
from ingest.resolve.tenant import EntityLookup, TenantLookup
from parsers import ParserRegistry

log = logging.getLogger("ingest.pipeline")

OutcomeKind = Literal["done", "already_done", "duplicate", "failed", "waiting", "attachment"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one file in one pass."""

    kind: OutcomeKind
    record: FileRecord
    message: str = ""

    @property
    def path(self) -> Path:
        return self.record.path


class Pipeline:
    """Composes parser registry, resolver, uploader, ledger and filing. Thread-safe per file."""

    def __init__(
        self,
        *,
        parsers: ParserRegistry,
        schema_map: SchemaMap,
        tenant: TenantLookup,
        entities: EntityLookup,
        client: BenchlingClient,
        ledger: Ledger,
        work_dir: Path,
        filing_options: FilingOptions | None = None,
        render_png: RenderPng | None = None,
        archive_superseded: bool = False,
        attachment_grace_seconds: float = 0.0,
        retry_base_seconds: float = 30.0,
        retry_max_seconds: float = 3600.0,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = new_uuid,
    ) -> None:
        self.parsers = parsers
        self.schema_map = schema_map
        self.tenant = tenant
        self.entities = entities
        self.client = client
        self.ledger = ledger
        self.work_dir = work_dir
        self.filing = filing_options or FilingOptions()
        self._render_png = render_png
        self._archive_superseded = archive_superseded
        self._attachment_grace = attachment_grace_seconds
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._clock = clock
        self._new_id = new_id
        self._renders = RenderStore(work_dir / "renders")
        self.moves = FileMover(ledger, self.filing, work_dir=work_dir, now=self._now)
        self.uploader = Uploader(client, ledger, scratch_dir=work_dir)
        self._busy: set[int] = set()
        self._busy_lock = threading.Lock()

    def save_client_counters(self) -> ClientStats:
        """Add this process's request and 429 counts to the ledger (for ``status``); returns them."""
        stats = self.client.stats
        self.ledger.add_counter("requests", stats.total_requests)
        self.ledger.add_counter("rate_limited", stats.rate_limited)
        return stats

    # -- planning (no writes to Benchling) --------------------------------------------------------

    def parse(self, path: Path) -> ParsedFile:
        return self.parsers.parse(path)

    def plan(self, parsed: ParsedFile, *, source: Path, sha256: str, folder: Path | None = None) -> RunPlan:
        """Resolve a parsed file into its RunPlan; reads the tenant, writes nothing."""
        return resolve(
            parsed,
            source=source,
            sha256=sha256,
            schema_map=self.schema_map,
            tenant=self.tenant,
            entities=self.entities,
            folder=folder,
            new_id=self._new_id,
            render_png=self._render_png,
        )

    # -- ingestion ------------------------------------------------------------------------------

    def ingest(self, source: SourceFile, *, root: Path | None = None, force: bool = False) -> Outcome:
        """Take one file (new, or a version already recorded) as far as it can go now."""
        record = self.ledger.record_discovered(source, root=root, forced=force)
        if record.state == "done":
            record = self.file_left_behind(record, source)
            return Outcome("already_done", record, "already ingested; nothing created")
        if record.state == "duplicate" and not force:
            record = self.file_left_behind(record, source)
            return Outcome("duplicate", record, f"same content as ledger row {record.duplicate_of}")
        if record.state in ("failed", "duplicate"):
            # Offering a failed (or forced duplicate) version again is a request to try it again.
            record = self.ledger.transition(record.id, "discovered", last_error=None, detail="offered again")
        # Only exports can be duplicates: a file no parser reads (a trace file beside its export) may
        # share its bytes with another one and still be needed where it is.
        if record.state == "discovered" and not record.forced and self.parsers.claims(record.path):
            original = self.original_of(record)
            if original is not None:
                return self.mark_duplicate(record, source, original)
        return self.advance(record, source=source)

    def is_finished(self, path: Path, size: int, mtime_ns: int) -> bool:
        """For the watcher: the ledger has this version and nothing is left to do for it.

        A process killed between saving ``done``/``duplicate``/``failed`` and moving the file leaves a
        finished row whose file is still in the drop folder; such a version is offered again so that
        ``ingest`` can move it (and a failed one is tried again, then quarantined with its report).
        """
        if not self.ledger.is_known(path, size, mtime_ns):
            return False
        record = self.ledger.latest_at_path(path)
        if record is None or (record.size, record.mtime_ns) != (size, mtime_ns):
            return True
        if record.state == "failed":
            return record.final_path is not None or record.root is None or self.filing.failed_dir is None
        return not self.moves.left_behind(record)

    def file_left_behind(self, record: FileRecord, source: SourceFile) -> FileRecord:
        """Archive a finished file that is still where it was found (see ``is_finished``)."""
        return self.file_away(record, source) if self.moves.left_behind(record) else record

    def resume(self, *, include_waiting: bool = False) -> list[Outcome]:
        """Finish interrupted file moves, then every pending row (oldest first), before new work."""
        self.finish_filing()
        return [self.advance(r) for r in self.ledger.pending(include_waiting=include_waiting)]

    def finish_filing(self) -> int:
        """Complete file moves a kill interrupted; returns how many."""
        return self.moves.finish_interrupted()

    def advance(self, record: FileRecord, *, source: SourceFile | None = None) -> Outcome:
        with self._busy_lock:
            if record.id in self._busy:
                return Outcome("waiting", record, "already in progress in another worker")
            self._busy.add(record.id)
        try:
            return self._advance(self.ledger.get(record.id), source)
        finally:
            with self._busy_lock:
                self._busy.discard(record.id)

    def _advance(self, record: FileRecord, source: SourceFile | None) -> Outcome:
        if record.state == "discovered" and not record.path.exists():
            owner = next((o for o in self.ledger.attachment_owners(record.path) if o.state == "done"), None)
            if owner is not None:  # already uploaded and archived with the export that names it
                record = self.ledger.transition(
                    record.id, "attachment", detail=f"uploaded with ledger row {owner.id} ({owner.path})"
                )
        if record.state == "attachment":
            return Outcome("attachment", record, "uploaded as an attachment of another export")
        try:
            if record.state == "discovered":
                record = self.plan_record(record)
            if record.state in ("planned", "blobs_uploaded", "run_created"):
                record = self.uploader.finish(record)
        except IngestError as exc:
            if exc.deferrable:
                return self._defer(record, source, exc)
            return self.record_failure(record, source, exc.to_dict(), retryable=exc.retryable)
        except Exception as exc:  # a bug in a plugin or in this code must not stop the service
            log.error("unexpected error on %s: %s", record.path, traceback.format_exc())
            details = {"type": type(exc).__name__, "stage": "internal", "message": str(exc), "details": {}}
            return self.record_failure(record, source, details, retryable=False)
        if record.state == "done":
            self._renders.drop(record)
            self._settle_attachment_rows(record)
            note = self._supersede(record) if self._archive_superseded else ""
            record = self.file_away(record, source)
            message = f"run {record.run_id} with {len(record.result_ids)} result(s)" + note
            return Outcome("done", record, message)
        return Outcome("waiting", record, f"left in state {record.state}")

    def _defer(self, record: FileRecord, source: SourceFile | None, exc: IngestError) -> Outcome:
        """A cause that may go away by itself: a file no parser reads (perhaps another export's
        attachment) or an export whose attachments are not there yet. Wait, then decide."""
        record = self.ledger.get(record.id)
        owners = [o for o in self.ledger.attachment_owners(record.path) if o.id != record.id]
        if isinstance(exc, NoParserError) and owners:
            owner = owners[0]
            if owner.state == "done":
                record = self.ledger.transition(
                    record.id, "attachment", detail=f"uploaded with ledger row {owner.id} ({owner.path})"
                )
                return Outcome("attachment", record, f"attachment of '{owner.path}'")
            if owner.state == "failed":
                reason = (owner.last_error or {}).get("message", "see its error report")
                error = {
                    **exc.to_dict(),
                    "message": f"'{record.path}' is an attachment of '{owner.path}', which failed: {reason}",
                }
                return self.record_failure(record, source, error, retryable=False)
            # The export that names this file is still on its way: look again shortly.
            retry_at = self._clock() + min(5.0, self._attachment_grace or 5.0)
            record = self.ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            return Outcome("waiting", record, f"attachment of '{owner.path}', which is still in progress")
        if self._attachment_grace > 0 and record.attempts == 0:
            retry_at = self._clock() + self._attachment_grace
            record = self.ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            return Outcome(
                "waiting", record, f"{exc.message} Waiting {self._attachment_grace:.0f} s before giving up."
            )
        return self.record_failure(record, source, exc.to_dict(), retryable=False)

    def _settle_attachment_rows(self, record: FileRecord) -> None:
        """Rows of files this export uploaded as attachments are finished with it."""
        for path in self.ledger.attachment_paths(record.id):
            row = self.ledger.latest_at_path(path)
            if row is not None and row.id != record.id and row.state == "discovered":
                self.ledger.transition(
                    row.id, "attachment", detail=f"uploaded with ledger row {record.id} ({record.path})"
                )

    def _supersede(self, record: FileRecord) -> str:
        """Archive the results of the previous version of this path (a corrected export replaces them)."""
        if record.previous_version is None:
            return ""
        previous = self.ledger.get(record.previous_version)
        if previous.state != "done" or previous.sha256 == record.sha256 or not previous.result_ids:
            return ""
        try:
            self.client.archive_results(previous.result_ids, reason="Archived")
        except IngestError as exc:
            log.error(
                "%s: the previous version's results could not be archived: %s", record.path, exc.message
            )
            problem = {"stage": "supersede", "message": f"previous results not archived: {exc.message}"}
            self.ledger.update(record.id, last_error=problem)
            return "; the previous version's results could NOT be archived"
        return (
            f"; archived {len(previous.result_ids)} result(s) of the previous version (run {previous.run_id})"
        )

    def plan_record(self, record: FileRecord) -> FileRecord:
        folder = record.root or record.path.parent
        parsed = self.parsers.parse(record.path)
        plan = self.plan(parsed, source=record.path, sha256=record.sha256, folder=folder)
        plan = self._renders.store(plan, record.sha256)
        planned = self.ledger.transition(
            record.id,
            "planned",
            plan=plan_to_json(plan),
            parser=plan.parser,
            run_id=str(plan.run["id"]),
            detail="; ".join(plan.warnings) or None,
        )
        self.ledger.record_attachments(record.id, self.moves.attachments_in_root(planned))
        return planned

    def original_of(self, record: FileRecord) -> FileRecord | None:
        """The row this content already belongs to, if any.

        Two copies taken by two workers at once each find the other still ``discovered``; only the
        earlier row counts as an original then, or each would mark itself a duplicate of the other and
        the content would never be ingested.
        """
        for other in self.ledger.by_sha(record.sha256):
            if other.id == record.id or other.state in ("failed", "duplicate"):
                continue
            if other.state == "discovered" and other.id > record.id:
                continue
            return other
        return None

    def mark_duplicate(self, record: FileRecord, source: SourceFile, original: FileRecord) -> Outcome:
        record = self.ledger.transition(
            record.id, "duplicate", duplicate_of=original.id, detail=f"same sha256 as row {original.id}"
        )
        record = self.file_away(record, source)
        return Outcome("duplicate", record, f"same content as '{original.path}' (ledger row {original.id})")

    def record_failure(
        self, record: FileRecord, source: SourceFile | None, error: dict[str, Any], *, retryable: bool
    ) -> Outcome:
        record = self.ledger.get(record.id)
        if retryable:
            delay = min(self._retry_base * 2 ** min(record.attempts, 20), self._retry_max)
            record = self.ledger.record_transient_failure(record.id, error, retry_at=self._clock() + delay)
            log.warning("%s: %s (will retry in %.0f s)", record.path, error.get("message"), delay)
            return Outcome("waiting", record, f"{error.get('message')} (retry in {delay:.0f} s)")
        record = self.ledger.transition(
            record.id, "failed", last_error=error, detail=str(error.get("message"))
        )
        log.error("%s: %s", record.path, error.get("message"))
        record = self.moves.quarantine(record, source, error)
        return Outcome("failed", record, str(error.get("message")))

    def file_away(self, record: FileRecord, source: SourceFile | None) -> FileRecord:
        return self.moves.archive(record, source)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock()).astimezone()


def summarize(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
    return counts
