"""The only composer: resume pending work, then take new files through parse -> resolve -> load -> filing.

Each file's progress is a ledger row; every state is saved before the step that depends on it, so a
killed process resumes where it stopped and never creates anything twice. Errors decide by type:
retryable ones (Benchling unavailable) schedule a later attempt and leave the file in place;
deferrable ones (an attachment not there yet) wait once; everything else quarantines the file with
its reason. Nothing is ever deleted.

Public steps, used alike by single files (``ingest``), the service loop and the backfill:
``admit`` (record a file version, settle what is already known), ``prepare`` (plan it and upload its
blobs), ``advance`` (take it as far as it goes now) and ``finish_many`` (several prepared files' run
and result creates batched, then each finished as ``advance`` would).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from ingest.benchling import BenchlingClient, ClientStats
from ingest.contract import ParserChooser
from ingest.errors import IngestError, LeaseLostError, LedgerUnavailableError, NoParserError
from ingest.filing import FilingOptions
from ingest.ledger import FileRecord, Ledger
from ingest.load import Loader, RenderStore
from ingest.models import ParsedFile, RunPlan, SourceFile
from ingest.pipeline.filing_records import FileMover
from ingest.pipeline.load_steps import LoadSteps
from ingest.pipeline.outcome import Outcome
from ingest.resolve import EntityLookup, RenderPng, SchemaMap, TenantLookup, new_uuid, resolve
from ingest.watch import describe_path

log = logging.getLogger("ingest.pipeline")

#: How far ``prepare`` takes a file, and ``advance``.
_Through = Literal["blobs_uploaded", "done"]


class Pipeline:
    """Composes parsers, resolver, load steps, ledger and filing. Thread-safe per file."""

    def __init__(
        self,
        *,
        parsers: ParserChooser,
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
        self._parsers = parsers
        self._schema_map = schema_map
        self._tenant = tenant
        self._entities = entities
        self._client = client
        self._ledger = ledger
        self._render_png = render_png
        self._archive_superseded = archive_superseded
        self._attachment_grace = attachment_grace_seconds
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._clock = clock
        self._new_id = new_id
        self._renders = RenderStore(work_dir / "renders")
        self._loader = Loader(client, scratch_dir=work_dir)
        self._load = LoadSteps(ledger, self._loader)
        self._moves = FileMover(ledger, filing_options or FilingOptions(), work_dir=work_dir, now=self._now)

    # -- what callers may read ----------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        """The ledger, for reports and checks; only the pipeline's steps write to it."""
        return self._ledger

    @property
    def filing_options(self) -> FilingOptions:
        return self._moves.options

    @property
    def client_stats(self) -> ClientStats:
        """Requests, retries and 429s so far (schema reads and entity lookups included)."""
        return self._client.stats

    @property
    def unit_suffixes(self) -> tuple[str, ...]:
        """Folder suffixes that make a folder one export (``.d``), for folder walks."""
        return tuple(sorted(self._parsers.unit_suffixes)) or (".d",)

    def claims(self, path: Path) -> bool:
        """True when exactly one parser reads ``path``: it is an export, not an attachment."""
        return self._parsers.claims(path)

    def save_client_counters(self) -> ClientStats:
        """Add this process's request and 429 counts to the ledger (for ``status``); returns them."""
        stats = self._client.stats
        self._ledger.add_counter("requests", stats.total_requests)
        self._ledger.add_counter("rate_limited", stats.rate_limited)
        return stats

    # -- planning (no writes anywhere) ----------------------------------------------------------------

    def parse(self, path: Path) -> ParsedFile:
        return self._parsers.parse(path)

    def plan(self, parsed: ParsedFile, *, source: Path, sha256: str, folder: Path | None = None) -> RunPlan:
        """Resolve a parsed file into its RunPlan; reads the tenant, writes nothing."""
        return resolve(
            parsed,
            source=source,
            sha256=sha256,
            schema_map=self._schema_map,
            tenant=self._tenant,
            entities=self._entities,
            folder=folder,
            new_id=self._new_id,
            render_png=self._render_png,
        )

    def plan_file(self, path: Path, *, root: Path | None = None) -> tuple[SourceFile, RunPlan]:
        """Describe, parse and plan one file exactly as ingesting it under ``root`` would; no writes."""
        source = describe_path(path)
        plan = self.plan(
            self.parse(source.path),
            source=source.path,
            sha256=source.sha256,
            folder=root or source.path.parent,
        )
        return source, plan

    def already_done(self, sha256: str) -> bool:
        """True when this content has been ingested (under any name)."""
        return any(r.state == "done" for r in self._ledger.by_sha(sha256))

    # -- the public steps ---------------------------------------------------------------------------

    def ingest(self, source: SourceFile, *, root: Path | None = None, force: bool = False) -> Outcome:
        """Take one file (new, or a version already recorded) as far as it can go now."""
        admitted = self.admit(source, root=root, force=force)
        if isinstance(admitted, Outcome):
            return admitted
        return self.advance(admitted, source=source)

    def ingest_path(self, path: Path, *, root: Path | None = None, force: bool = False) -> Outcome:
        """``ingest`` for a path named by a person; ParseError when it does not exist."""
        return self.ingest(describe_path(path), root=root, force=force)

    def admit(
        self, source: SourceFile, *, root: Path | None = None, force: bool = False
    ) -> FileRecord | Outcome:
        """Record this file version. An Outcome when nothing is left to do (already ingested, or the same
        content as another row, or another worker has it); otherwise its row, for ``prepare``/``advance``."""
        found = self._ledger.record_discovered(source, root=root, forced=force)
        record = self._ledger.claim(found.id)
        if record is None:
            return Outcome("waiting", found, "already in progress in another worker")
        try:
            return self._admit_claimed(record, source, force)
        except LeaseLostError as exc:
            return Outcome("waiting", found, exc.message)
        finally:
            self._ledger.release(found.id)

    def _admit_claimed(self, record: FileRecord, source: SourceFile, force: bool) -> FileRecord | Outcome:
        if record.state == "done":
            record = self._file_left_behind(record, source)
            return Outcome("already_done", record, "already ingested; nothing created")
        if record.state == "duplicate" and not force:
            record = self._file_left_behind(record, source)
            return Outcome("duplicate", record, f"same content as ledger row {record.duplicate_of}")
        if record.state in ("failed", "duplicate"):
            # Offering a failed (or forced duplicate) version again is a request to try it again.
            record = self._ledger.reoffer(record.id, detail="offered again")
        # Only exports can be duplicates: a file no parser reads (a trace file beside its export) may
        # share its bytes with another one and still be needed where it is.
        if record.state == "discovered" and not record.forced and self._parsers.claims(record.path):
            original = self._original_of(record)
            if original is not None:
                return self._mark_duplicate(record, source, original)
        return record

    def advance(self, record: FileRecord, *, source: SourceFile | None = None) -> Outcome:
        """Take an admitted or pending row as far as it goes now: done (and filed), waiting or failed."""
        step = self._step(record, source, through="done")
        assert isinstance(step, Outcome)
        return step

    def prepare(self, record: FileRecord, *, source: SourceFile | None = None) -> FileRecord | Outcome:
        """Plan the row and upload its blobs (stopping before the creates, which ``finish_many`` batches).
        An Outcome when the row failed, waits, or needs nothing more."""
        return self._step(record, source, through="blobs_uploaded")

    def finish_many(self, prepared: Sequence[tuple[FileRecord, SourceFile | None]]) -> list[Outcome]:
        """Create the runs of several prepared rows in one request and their results in one bulk task,
        then finish each as ``advance`` does (one by one wherever the batch did not take it)."""
        self._load.create_batched([self._ledger.get(record.id) for record, _ in prepared])
        return [self.advance(self._ledger.get(record.id), source=source) for record, source in prepared]

    def due(self, *, roots: Sequence[Path] = (), limit: int | None = None) -> list[FileRecord]:
        """Claim pending rows whose next attempt is due, oldest first (pending work before new work),
        for the caller to ``advance``; a shared ledger offers those under ``roots`` and this host's."""
        return self._ledger.claim_due(roots=roots, limit=limit)

    def resume(self, *, include_waiting: bool = False) -> list[Outcome]:
        """Finish interrupted file moves, then every pending row (oldest first), before new work."""
        self.finish_filing()
        return [self.advance(r) for r in self._ledger.claim_due(include_waiting=include_waiting)]

    def finish_filing(self, *, roots: Sequence[Path] | None = None) -> int:
        """Complete file moves a kill interrupted (of files under ``roots``, if given); how many."""
        return self._moves.finish_interrupted(roots)

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
                record.final_path is not None or record.root is None or self._moves.options.failed_dir is None
            )
        return not self._moves.left_behind(record)

    # -- one row's way -------------------------------------------------------------------------------

    def _step(
        self, record: FileRecord, source: SourceFile | None, *, through: _Through
    ) -> FileRecord | Outcome:
        claimed = self._ledger.claim(record.id)
        if claimed is None:
            return Outcome("waiting", record, "already in progress in another worker")
        try:
            return self._take(claimed, source, through)
        except (LeaseLostError, LedgerUnavailableError) as exc:  # the row is left as the ledger has it
            return Outcome("waiting", record, exc.message)
        finally:
            self._ledger.release(record.id)

    def _take(self, record: FileRecord, source: SourceFile | None, through: _Through) -> FileRecord | Outcome:
        if record.state == "discovered" and not record.path.exists():
            owner = next((o for o in self._ledger.attachment_owners(record.path) if o.state == "done"), None)
            if owner is not None:  # already uploaded and archived with the export that names it
                record = self._ledger.mark_attachment(record.id, owner)
        if record.state == "attachment":
            return Outcome("attachment", record, "uploaded as an attachment of another export")
        try:
            if record.state == "discovered":
                record = self._plan_record(record)
            if through == "blobs_uploaded":
                return self._load.upload_blobs(record) if record.state == "planned" else record
            if record.state in ("planned", "blobs_uploaded", "run_created"):
                record = self._load.finish(record)
        except IngestError as exc:
            if exc.deferrable:
                return self._defer(record, source, exc)
            return self._record_failure(record, source, exc.to_dict(), retryable=exc.retryable)
        except Exception as exc:  # a bug in a plugin or in this code must not stop the service
            log.error("unexpected error on %s: %s", record.path, traceback.format_exc())
            details = {"type": type(exc).__name__, "stage": "internal", "message": str(exc), "details": {}}
            return self._record_failure(record, source, details, retryable=False)
        if record.state == "done":
            return self._completed(record, source)
        return Outcome("waiting", record, f"left in state {record.state}")

    def _plan_record(self, record: FileRecord) -> FileRecord:
        folder = record.root or record.path.parent
        parsed = self._parsers.parse(record.path)
        plan = self.plan(parsed, source=record.path, sha256=record.sha256, folder=folder)
        plan = self._renders.store(plan)
        planned = self._ledger.mark_planned(record.id, plan, detail="; ".join(plan.warnings) or None)
        self._ledger.record_attachments(record.id, self._moves.attachments_in_root(planned))
        return planned

    def _completed(self, record: FileRecord, source: SourceFile | None) -> Outcome:
        self._renders.drop(record.require_plan())
        self._settle_attachment_rows(record)
        note = self._supersede(record) if self._archive_superseded else ""
        record = self._moves.archive(record, source)
        message = f"run {record.run_id} with {len(record.result_ids)} result(s)" + note
        return Outcome("done", record, message)

    def _defer(self, record: FileRecord, source: SourceFile | None, exc: IngestError) -> Outcome:
        """A cause that may go away by itself: a file no parser reads (perhaps another export's
        attachment) or an export whose attachments are not there yet. Wait, then decide."""
        record = self._ledger.get(record.id)
        owners = [o for o in self._ledger.attachment_owners(record.path) if o.id != record.id]
        if isinstance(exc, NoParserError) and owners:
            owner = owners[0]
            if owner.state == "done":
                record = self._ledger.mark_attachment(record.id, owner)
                return Outcome("attachment", record, f"attachment of '{owner.path}'")
            if owner.state == "failed":
                reason = (owner.last_error or {}).get("message", "see its error report")
                error = {
                    **exc.to_dict(),
                    "message": f"'{record.path}' is an attachment of '{owner.path}', which failed: {reason}",
                }
                return self._record_failure(record, source, error, retryable=False)
            # The export that names this file is still on its way: look again shortly.
            retry_at = self._clock() + min(5.0, self._attachment_grace or 5.0)
            record = self._ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            return Outcome("waiting", record, f"attachment of '{owner.path}', which is still in progress")
        if self._attachment_grace > 0 and record.attempts == 0:
            retry_at = self._clock() + self._attachment_grace
            record = self._ledger.record_transient_failure(record.id, exc.to_dict(), retry_at=retry_at)
            return Outcome(
                "waiting", record, f"{exc.message} Waiting {self._attachment_grace:.0f} s before giving up."
            )
        return self._record_failure(record, source, exc.to_dict(), retryable=False)

    def _settle_attachment_rows(self, record: FileRecord) -> None:
        """Rows of files this export uploaded as attachments are finished with it."""
        for path in self._ledger.attachment_paths(record.id):
            row = self._ledger.latest_at_path(path)
            if row is not None and row.id != record.id and row.state == "discovered":
                self._ledger.mark_attachment(row.id, record)

    def _supersede(self, record: FileRecord) -> str:
        """Archive the results of the previous version of this path (a corrected export replaces them)."""
        if record.previous_version is None:
            return ""
        previous = self._ledger.get(record.previous_version)
        if previous.state != "done" or previous.sha256 == record.sha256 or not previous.result_ids:
            return ""
        try:
            self._loader.archive_results(previous.result_ids)
        except IngestError as exc:
            log.error(
                "%s: the previous version's results could not be archived: %s", record.path, exc.message
            )
            problem = {"stage": "supersede", "message": f"previous results not archived: {exc.message}"}
            self._ledger.record_problem(record.id, problem)
            return "; the previous version's results could NOT be archived"
        return (
            f"; archived {len(previous.result_ids)} result(s) of the previous version (run {previous.run_id})"
        )

    def _original_of(self, record: FileRecord) -> FileRecord | None:
        """The row this content already belongs to, if any.

        Two copies taken by two workers at once each find the other still ``discovered``; only the
        earlier row counts as an original then, or each would mark itself a duplicate of the other and
        the content would never be ingested.
        """
        for other in self._ledger.by_sha(record.sha256):
            if other.id == record.id or other.state in ("failed", "duplicate"):
                continue
            if other.state == "discovered" and other.id > record.id:
                continue
            return other
        return None

    def _mark_duplicate(self, record: FileRecord, source: SourceFile, original: FileRecord) -> Outcome:
        record = self._ledger.mark_duplicate(record.id, original)
        record = self._moves.archive(record, source)
        return Outcome("duplicate", record, f"same content as '{original.path}' (ledger row {original.id})")

    def _record_failure(
        self, record: FileRecord, source: SourceFile | None, error: dict[str, Any], *, retryable: bool
    ) -> Outcome:
        record = self._ledger.get(record.id)
        if retryable:
            delay = min(self._retry_base * 2 ** min(record.attempts, 20), self._retry_max)
            record = self._ledger.record_transient_failure(record.id, error, retry_at=self._clock() + delay)
            log.warning("%s: %s (will retry in %.0f s)", record.path, error.get("message"), delay)
            return Outcome("waiting", record, f"{error.get('message')} (retry in {delay:.0f} s)")
        record = self._ledger.mark_failed(record.id, error)
        log.error("%s: %s", record.path, error.get("message"))
        record = self._moves.quarantine(record, source, error)
        return Outcome("failed", record, str(error.get("message")))

    def _file_left_behind(self, record: FileRecord, source: SourceFile) -> FileRecord:
        """Archive a finished file that is still where it was found (see ``is_finished``)."""
        return self._moves.archive(record, source) if self._moves.left_behind(record) else record

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock()).astimezone()
