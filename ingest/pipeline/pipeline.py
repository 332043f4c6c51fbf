"""The only composer: resume pending work, then take new files through parse -> resolve -> load -> filing.

Each file's progress is a ledger row, every state saved before the step that depends on it, so a killed
process resumes where it stopped. Benchling is the authority on what exists: ids derive from the content
and are looked up (batched across files) before anything is sent, so what exists is adopted, whichever
ledger, directory or host made it. Content is pinned: a file that changed after it was read gets no run.

Errors decide by type: those no file is to blame for (credentials refused, a mapping that does not fit
the tenant) leave the file in place, its row pending (``paused``); retryable ones schedule a later
attempt; deferrable ones wait once; everything else quarantines the file with its reason.

Public steps, used alike by ``ingest``, the service loop and the backfill (each described where it is
defined): ``admit``, ``prepare``, ``look_up``, ``advance`` and ``finish_many``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from ingest.benchling import BenchlingClient, ClientStats
from ingest.contract import ParserChooser
from ingest.errors import ContentChangedError, IngestError, LeaseLostError, LedgerUnavailableError
from ingest.filing import FilingOptions
from ingest.ledger import FileRecord, Forcing, Ledger
from ingest.load import ByContentHash, ByPlannedIds, Holding, HoldingsFinder, Loader
from ingest.models import ParsedFile, RunPlan, SourceFile
from ingest.pipeline.admission import Admission
from ingest.pipeline.attachment_rows import AttachmentRows
from ingest.pipeline.filing_records import FileMover
from ingest.pipeline.load_steps import LOADING, LoadSteps
from ingest.pipeline.outcome import Outcome, held_elsewhere
from ingest.pipeline.plan_steps import PlanSteps
from ingest.pipeline.row_endings import RowEndings
from ingest.resolve import EntityLookup, RenderPng, SchemaMap, TenantLookup, identity
from ingest.watch import describe_path

log = logging.getLogger("ingest.pipeline")

#: How far a step takes a row: planned (``prepare``), up to the creates (inside ``finish_many``), done.
_Through = Literal["planned", "creates", "done"]


class Pipeline:
    """Composes parsers, resolver, load steps, ledger and filing. Thread-safe per file. ``tenant_key`` (part
    of every derived id) defaults to the lower-case host of the client's URL; ``forcing`` is the forcing
    command that forced admissions belong to (``ingest.pipeline.forcing``)."""

    forcing: Forcing | None = None

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
        tenant_key: str | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._parsers = parsers
        self._client = client
        self._ledger = ledger
        self._archive_superseded = archive_superseded
        self._clock = clock
        assigned_ids = schema_map.tenant.ids == "server_assigned"
        self._loader = Loader(client, scratch_dir=work_dir, assigned_ids=assigned_ids)
        finder: HoldingsFinder = ByContentHash(client) if assigned_ids else ByPlannedIds(client)
        self._plans = PlanSteps(
            parsers=parsers,
            schema_map=schema_map,
            tenant=tenant,
            entities=entities,
            render_png=render_png,
            ledger=ledger,
            finder=finder,
            loader=self._loader,
            tenant_key=tenant_key or identity.tenant_key(client.base_url),
            work_dir=work_dir,
        )
        self._load = LoadSteps(ledger, self._loader, finder, plans=self._plans)
        self._moves = FileMover(ledger, filing_options or FilingOptions(), work_dir=work_dir, now=self._now)
        self._admission = Admission(ledger, parsers, self._moves, planned_here=self._plans.planned_here)
        grace = attachment_grace_seconds
        self._attachments = AttachmentRows(ledger, clock=clock, grace_seconds=grace, monotonic=monotonic)
        self._endings = RowEndings(
            ledger,
            self._moves,
            clock=clock,
            retry_base_seconds=retry_base_seconds,
            retry_max_seconds=retry_max_seconds,
            settle_seconds=grace,
        )

    # -- what callers may read ----------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        """The ledger, for reports and checks; only the pipeline's steps write to it."""
        return self._ledger

    @property
    def filing_options(self) -> FilingOptions:
        return self._moves.options

    @property
    def client(self) -> BenchlingClient:
        """The Benchling client, for health probes, rate-limit headers and links to runs."""
        return self._client

    def requests_in_this_thread(self) -> int:
        """Requests sent to Benchling from the calling thread so far (per-file counts in logs)."""
        return self._client.requests_in_this_thread()

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

    def use_mapping(self, schema_map: SchemaMap) -> None:
        """Plan with ``schema_map`` from now on, reading the tenant afresh (``PlanSteps.use_mapping``)."""
        self._plans.use_mapping(schema_map)

    # -- planning (no writes anywhere) ----------------------------------------------------------------

    def parse(self, path: Path, *, folder: Path | None = None) -> ParsedFile:
        return self._parsers.parse(path, folder=folder)

    def plan(self, parsed: ParsedFile, *, source: Path, sha256: str, folder: Path | None = None) -> RunPlan:
        """Resolve a parsed file into its RunPlan (generation 0); reads the tenant, writes nothing."""
        return self._plans.plan(parsed, source=source, sha256=sha256, folder=folder)

    def plan_file(self, path: Path, *, root: Path | None = None) -> tuple[SourceFile, RunPlan]:
        """Describe, parse and plan one file exactly as ingesting it under ``root`` would; no writes."""
        source = describe_path(path)
        plan = self.plan(
            self.parse(source.path, folder=root or source.path.parent),
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
        found = self._ledger.record_discovered(source, root=root, forced=force, forcing=self.forcing)
        record = self._ledger.claim(found.id)
        if record is None:
            return held_elsewhere(found)
        try:
            return self._admission.admit_claimed(record, source, force)
        except LeaseLostError as exc:
            return held_elsewhere(found, exc.message)
        finally:
            self._ledger.release(found.id)

    def prepare(self, record: FileRecord, *, source: SourceFile | None = None) -> FileRecord | Outcome:
        """Plan the row (nothing is sent to Benchling). An Outcome when the row failed, waits, or needs
        nothing more; otherwise the row, for ``look_up``/``advance`` or ``finish_many``."""
        return self._step(record, source, through="planned")

    def look_up(self, records: Sequence[FileRecord]) -> None:
        """Ask Benchling at once what it holds of these rows (those with a plan); ``advance`` then uses
        the answers instead of asking for each row alone. A failed lookup is logged and left: each row
        then asks alone, with its own error handling."""
        rows = [r for r in records if r.state in LOADING]
        if not rows:
            return
        try:
            self._load.look_up_ahead(rows)
        except IngestError as exc:
            log.info("batched lookup of %d file(s) failed (%s); each asks alone", len(rows), exc.message)

    def advance(
        self, record: FileRecord, *, source: SourceFile | None = None, holding: Holding | None = None
    ) -> Outcome:
        """Take an admitted or pending row as far as it goes now: done (and filed), waiting or failed."""
        step = self._step(record, source, through="done", holding=holding)
        assert isinstance(step, Outcome)
        return step

    def finish_many(self, prepared: Sequence[tuple[FileRecord, SourceFile | None]]) -> list[Outcome]:
        """Look several prepared rows up in Benchling together, upload what each still needs, create
        their runs in one request and their results in one bulk task, then finish each as ``advance``
        does (one by one wherever the batch did not take it). Each row stays claimed throughout."""
        early: dict[int, Outcome] = {}
        held: list[tuple[FileRecord, SourceFile | None]] = []
        try:
            for record, source in prepared:
                claimed = self._ledger.claim(record.id)
                if claimed is None:
                    early[record.id] = held_elsewhere(record)
                else:
                    held.append((claimed, source))
            done = self._finish_held(held)
        finally:
            for record, _ in held:
                self._ledger.release(record.id)
        return [early.get(record.id) or done[record.id] for record, _ in prepared]

    def _finish_held(self, held: Sequence[tuple[FileRecord, SourceFile | None]]) -> dict[int, Outcome]:
        records = [record for record, _ in held]
        try:
            holdings = self._load.look_up(records)
        except IngestError as exc:
            log.info("batched lookup of %d file(s) failed (%s); each asks alone", len(records), exc.message)
            holdings = {}
        stepped: dict[int, FileRecord | Outcome] = {}
        for record, source in held:
            stepped[record.id] = self._step_held(
                record, source, through="creates", holding=holdings.get(record.id)
            )
        ready = [self._ledger.get(s.id) for s in stepped.values() if isinstance(s, FileRecord)]
        try:
            updated, errors = self._load.create_batched(ready, holdings)
        except (LeaseLostError, LedgerUnavailableError) as exc:
            log.info(
                "batched creates of %d file(s) stopped (%s); each goes on alone", len(ready), exc.message
            )
            updated, errors = {}, {}
        outcomes: dict[int, Outcome] = {}
        for record, source in held:
            step = stepped[record.id]
            if isinstance(step, Outcome):
                outcomes[record.id] = step
            elif record.id in errors:
                outcomes[record.id] = self._endings.failure(
                    step, source, errors[record.id].to_dict(), retryable=False
                )
            else:
                holding = updated.get(record.id, holdings.get(record.id))
                final = self._step_held(self._ledger.get(record.id), source, through="done", holding=holding)
                assert isinstance(final, Outcome)
                outcomes[record.id] = final
        return outcomes

    def due(self, *, roots: Sequence[Path] = (), limit: int | None = None) -> list[FileRecord]:
        """Claim pending rows whose next attempt is due, oldest first (pending work before new work),
        for the caller to ``advance``; a shared ledger offers those under ``roots`` and this host's."""
        return self._ledger.claim_due(roots=roots, limit=limit)

    def resume(self, *, include_waiting: bool = False) -> list[Outcome]:
        """Finish interrupted file moves, then every pending row (oldest first), before new work."""
        self.finish_filing()
        pending = self._ledger.claim_due(include_waiting=include_waiting)
        self.look_up(pending)
        return [self.advance(r) for r in pending]

    def finish_filing(self, *, roots: Sequence[Path] | None = None) -> int:
        """Complete file moves a kill interrupted (of files under ``roots``, if given); how many."""
        return self._moves.finish_interrupted(roots)

    def is_finished(self, path: Path, size: int, mtime_ns: int) -> bool:
        """For the watcher: the ledger has this version and nothing is left to do for it (a finished row
        whose file a kill left in the drop folder is not: ``Admission.is_finished``)."""
        return self._admission.is_finished(path, size, mtime_ns)

    # -- one row's way -------------------------------------------------------------------------------

    def _step(
        self,
        record: FileRecord,
        source: SourceFile | None,
        *,
        through: _Through,
        holding: Holding | None = None,
    ) -> FileRecord | Outcome:
        claimed = self._ledger.claim(record.id)
        if claimed is None:
            return held_elsewhere(record)
        try:
            return self._step_held(claimed, source, through=through, holding=holding)
        finally:
            self._ledger.release(record.id)

    def _step_held(
        self,
        record: FileRecord,
        source: SourceFile | None,
        *,
        through: _Through,
        holding: Holding | None = None,
    ) -> FileRecord | Outcome:
        """``_step`` for a row this thread has claimed."""
        # An answer looked up ahead is used now or never (later it may be out of date).
        holding = self._load.held_ahead(record.id) if holding is None else holding
        try:
            return self._take(record, source, through, holding)
        except (LeaseLostError, LedgerUnavailableError) as exc:  # the row is left as the ledger has it
            return Outcome("waiting", record, exc.message, held_elsewhere=isinstance(exc, LeaseLostError))

    def _take(
        self, record: FileRecord, source: SourceFile | None, through: _Through, holding: Holding | None
    ) -> FileRecord | Outcome:
        record = self._attachments.settle_if_uploaded(record)
        if record.state == "attachment":
            return Outcome("attachment", record, "uploaded as an attachment of another export")
        adopted = False
        try:
            if record.state == "discovered":
                record = self._plans.plan_row(record, source)
                self._ledger.record_attachments(record.id, self._moves.attachments_in_root(record))
                self._admission.file_copies_of_duplicates(record)
            if through == "planned" or record.state not in LOADING:
                return record if record.state in LOADING else self._settled(record, source, adopted)
            self._plans.check_tenant(record)
            if holding is None:
                holding = self._load.look_up([record]).get(record.id, Holding())
            # Adopted: another ledger or host made it all; this row never sent a create of its own.
            adopted = holding.complete and record.state != "run_created" and record.inflight is None
            if through == "creates":
                record = self._load.prepare_creates(record, holding)
                if record.state != "done":
                    return record
            else:
                record = self._load.finish(record, holding)
        except ContentChangedError as exc:
            return self._endings.content_changed(record, exc)
        except IngestError as exc:
            if exc.deferrable:
                deferred = self._attachments.defer(record, exc)
                if isinstance(deferred, Outcome):
                    return deferred
                return self._endings.failure(record, source, deferred, retryable=False)
            return self._endings.failure(record, source, exc.to_dict(), retryable=exc.retryable)
        except Exception as exc:  # a bug in a plugin or in this code must not stop the service
            log.error("unexpected error on %s: %s", record.path, traceback.format_exc())
            details = {"type": type(exc).__name__, "stage": "internal", "message": str(exc), "details": {}}
            return self._endings.failure(record, source, details, retryable=False)
        return self._settled(record, source, adopted)

    def _settled(self, record: FileRecord, source: SourceFile | None, adopted: bool) -> Outcome:
        if record.state != "done":
            return Outcome("waiting", record, f"left in state {record.state}")
        return self._completed(record, source, adopted=adopted)

    def _completed(self, record: FileRecord, source: SourceFile | None, *, adopted: bool) -> Outcome:
        self._plans.renders.drop(record.require_plan())
        self._attachments.settle_rows_of(record)
        note = self._load.supersede(record) if self._archive_superseded else ""
        record = self._moves.archive_unless_changed(record, source)
        message = f"run {record.run_id} with {len(record.result_ids)} result(s)"
        if adopted:
            return Outcome("adopted", record, message + " already in Benchling; adopted" + note)
        return Outcome("done", record, message + note)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock()).astimezone()
