"""The load stage's steps with their ledger checkpoints: ``planned -> blobs_uploaded -> run_created ->
done``, one file at a time or several files' creates batched into few requests.

Benchling is asked first (:mod:`ingest.load.holdings`, batched across files): a file whose run and
results exist is adopted (nothing uploaded), a run without its results gets only the blobs its results
need and the results, and only a file with no run takes the whole way. Each blob id is saved the moment
it exists. Before each create the step is marked ``inflight``; a result transaction's id is saved before
it is used and the mark moves to ``results_commit`` before its commit is sent, so a resumed file commits
that transaction again or aborts it before sending its results anew (under the same ids). Content is
checked against its pins after the uploads and before the run is created. Safe to call again on a
half-done row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Mapping, Sequence

from ingest.benchling.errors import ClientIdsNotKeptError
from ingest.errors import BenchlingError, IngestError, ServerAssignedIdsError
from ingest.ledger import FileRecord, Ledger
from ingest.load import MAX_BULK_RESULTS, Holding, HoldingsFinder, Loader
from ingest.models import RunPlan, blob_keys_in
from ingest.pipeline.content_pins import check_before_run
from ingest.pipeline.plan_steps import PlanSteps

log = logging.getLogger("ingest.pipeline")

#: States in which a row still has something to load.
LOADING = frozenset({"planned", "blobs_uploaded", "run_created"})


class LoadSteps:
    def __init__(
        self, ledger: Ledger, loader: Loader, finder: HoldingsFinder, plans: PlanSteps | None = None
    ) -> None:
        self._ledger = ledger
        self._loader = loader
        self._finder = finder
        self._plans = plans  # for the rendered chromatograms: drawn again when gone, awaited
        self._ahead: dict[int, Holding] = {}
        self._ahead_lock = threading.Lock()

    # -- asking Benchling ------------------------------------------------------------------------------

    def look_up(self, records: Sequence[FileRecord]) -> dict[int, Holding]:
        """What Benchling holds of these rows' plans, in as few requests as the rows allow."""
        rows = [r for r in records if r.state in LOADING and r.plan is not None]
        if not rows:
            return {}
        # A create that may have reached Benchling must be looked for afresh, not in a cached listing.
        refresh = any(r.inflight is not None for r in rows)
        holdings = self._finder.find([(r.require_plan(), r.generation) for r in rows], refresh=refresh)
        return {row.id: holding for row, holding in zip(rows, holdings, strict=True)}

    def look_up_ahead(self, records: Sequence[FileRecord]) -> None:
        """``look_up`` for rows other workers are about to take: each answer waits for its row, and is
        used once (``held_ahead``)."""
        found = self.look_up(records)
        with self._ahead_lock:
            self._ahead.update(found)

    def held_ahead(self, file_id: int) -> Holding | None:
        with self._ahead_lock:
            return self._ahead.pop(file_id, None)

    # -- one row ---------------------------------------------------------------------------------------

    def finish(self, record: FileRecord, holding: Holding) -> FileRecord:
        """Take a planned row as far as ``done``, resuming at whatever step it is in."""
        record = self.prepare_creates(record, holding)
        if record.state == "blobs_uploaded":
            record = self.create_run(record)
            holding = _nothing_held_of(record)
        if record.state == "run_created":
            record = self.create_results(record, holding)
        return record

    def prepare_creates(self, record: FileRecord, holding: Holding) -> FileRecord:
        """Everything before the creates: adopt what Benchling holds, upload the blobs still needed,
        check the content against its pins. Leaves the row at ``blobs_uploaded`` (no run yet),
        ``run_created`` (the run exists; results to create) or ``done`` (adopted whole)."""
        plan = record.require_plan()
        if holding.complete and record.state != "done":
            return self._ledger.mark_done(
                record.id,
                list(holding.result_ids),
                run_id=_other(holding.run_id, plan.run_id),
                detail=f"adopted: Benchling holds run {holding.run_id} and its "
                f"{len(holding.result_ids)} result(s) already; nothing sent",
            )
        if record.state not in ("planned", "blobs_uploaded"):
            return record
        if holding.run_id is not None:
            record = self._upload(record, _blob_keys_of_results(plan, holding.missing_results))
            check_before_run(plan, record.path)
            return self._ledger.mark_run_created(
                record.id,
                run_id=_other(holding.run_id, plan.run_id),
                detail=f"adopted: Benchling holds run {holding.run_id} already, with "
                f"{len(holding.result_ids)} of its {len(plan.results)} result(s)",
            )
        if record.state == "planned":
            record = self._upload(record, {b.key for b in plan.blobs})
            record = self._ledger.mark_blobs_uploaded(record.id)
        check_before_run(plan, record.path)
        return record

    def create_run(self, record: FileRecord) -> FileRecord:
        plan = record.require_plan()
        self._ledger.mark_inflight(record.id, "run")
        try:
            run_id = self._loader.create_run(plan, record.blob_ids)
        except ClientIdsNotKeptError as exc:
            if exc.assigned_ids:
                self._ledger.mark_run_created(
                    record.id, run_id=exc.assigned_ids[0], detail="Benchling gave the run an id of its own"
                )
            raise ids_not_kept(exc, record, "its run") from exc
        self._finder.remember(plan, run_id)
        return self._ledger.mark_run_created(record.id, run_id=_other(run_id, plan.run_id))

    def create_results(self, record: FileRecord, holding: Holding) -> FileRecord:
        """The row's missing results, after settling a result transaction an interrupted attempt left."""
        plan = record.require_plan()
        run_id = record.run_id or plan.run_id
        if record.transaction_id is not None and record.inflight in ("results", "results_commit"):
            holding = self._settle(record, holding)
            if holding.complete:
                return self._done(record, holding, "its interrupted result transaction was committed")
        if holding.run_id is None:
            holding = _nothing_held_of(record)
        positions = list(holding.missing_results)
        if not positions:
            return self._done(record, holding, None)
        record = self._upload(record, _blob_keys_of_results(plan, positions))
        self._ledger.mark_inflight(record.id, "results")
        file_id = record.id

        def remember_transaction(transaction_id: str) -> None:
            self._ledger.record_transaction(file_id, transaction_id)
            self._ledger.mark_inflight(file_id, "results")

        def committing(transaction_id: str) -> None:
            self._ledger.mark_inflight(file_id, "results_commit")

        try:
            created = self._loader.create_results(
                plan,
                record.blob_ids,
                run_id=run_id,
                positions=positions,
                on_transaction=remember_transaction,
                on_commit=committing,
            )
        except ClientIdsNotKeptError as exc:
            raise ids_not_kept(exc, record, "its results") from exc
        made = dict(zip(positions, created, strict=True))
        held = iter(holding.result_ids)
        result_ids = [made[n] if n in made else next(held) for n in range(len(plan.results))]
        return self._ledger.mark_done(record.id, result_ids)

    def _settle(self, record: FileRecord, holding: Holding) -> Holding:
        """Commit again (``results_commit``) or abort the stored transaction; what is held afterwards."""
        assert record.transaction_id is not None
        committing = record.inflight == "results_commit"
        committed = self._loader.settle_transaction(record.transaction_id, committing=committing)
        log.info(
            "%s: result transaction %s left by an interrupted attempt was %s",
            record.path,
            record.transaction_id,
            "committed" if committed else "not committed; it was aborted and the results are sent again",
        )
        if committing:
            [holding] = self._finder.find([(record.require_plan(), record.generation)], refresh=True)
        return holding

    def _done(self, record: FileRecord, holding: Holding, detail: str | None) -> FileRecord:
        return self._ledger.mark_done(record.id, list(holding.result_ids), detail=detail)

    def _upload(self, record: FileRecord, keys: Collection[str]) -> FileRecord:
        if self._plans is not None and keys:
            self._plans.restore_renders(record)
        plan = record.require_plan()
        for blob in plan.blobs:
            if blob.key in keys and blob.key not in record.blob_ids:
                if self._plans is not None:
                    self._plans.renders.ready(blob, record.path)  # a chromatogram may still be drawn
                try:
                    blob_id = self._loader.upload_blob(blob)
                except OSError:
                    # A pinned file that went away (moved by a person or another instance) is a change
                    # like any other, not an internal error; before a run exists nothing is lost.
                    if record.state in ("planned", "blobs_uploaded"):
                        check_before_run(plan, record.path)
                    raise
                record = self._ledger.record_blob(record.id, blob.key, blob_id)
        return record

    def supersede(self, record: FileRecord) -> str:
        """Archive the results of the previous version of this path (a corrected export replaces them);
        returns a note for the outcome message."""
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

    # -- several rows -----------------------------------------------------------------------------------

    def create_batched(
        self, records: Sequence[FileRecord], holdings: Mapping[int, Holding]
    ) -> tuple[dict[int, Holding], dict[int, IngestError]]:
        """Several rows' runs in one request, then their results in one ``:bulk-create`` task.

        Only rows exactly at the step (not inflight from an earlier attempt, nothing of them held) take
        part, and only when more than one does (never for a tenant that assigns its own ids: those
        creates are sent once, one file at a time). A failed batch is logged and left: each row is then
        where it was, or inflight, and ``finish`` takes it one by one, looking first. Returns what is
        held now for the rows the batch moved, and errors that end rows (ids not kept).
        """
        updated: dict[int, Holding] = {}
        errors: dict[int, IngestError] = {}
        if self._loader.assigned_ids:
            return updated, errors
        fresh = [
            r
            for r in records
            if r.state == "blobs_uploaded"
            and r.inflight is None
            and holdings.get(r.id, Holding()).run_id is None
        ]
        if len(fresh) > 1:
            try:
                for record in fresh:
                    self._ledger.mark_inflight(record.id, "run")
                self._loader.create_runs([(r.require_plan(), r.blob_ids) for r in fresh])
                for record in fresh:
                    self._ledger.mark_run_created(record.id)
                    updated[record.id] = _nothing_held_of(record)
            except ClientIdsNotKeptError as exc:
                for record, assigned in zip(fresh, exc.assigned_ids, strict=False):
                    self._ledger.mark_run_created(
                        record.id, run_id=assigned, detail="Benchling gave the run an id of its own"
                    )
                    errors[record.id] = ids_not_kept(exc, record, "its run")
            except BenchlingError as exc:
                log.info("batched run create failed (%s); taking the files one by one", exc.message)
        current = [self._ledger.get(r.id) for r in records if r.id not in errors]
        batch = [
            r
            for r in current
            if r.state == "run_created"
            and r.inflight is None
            and not updated.get(r.id, holdings.get(r.id, Holding())).result_ids
        ]
        results = sum(len(r.require_plan().results) for r in batch)
        if len(batch) > 1 and 0 < results <= MAX_BULK_RESULTS:
            try:
                for record in batch:
                    self._ledger.mark_inflight(record.id, "results")
                self._loader.bulk_create_results([(r.require_plan(), r.blob_ids) for r in batch])
                for record in batch:
                    self._ledger.mark_done(record.id, record.require_plan().result_ids)
            except ClientIdsNotKeptError as exc:
                for record in batch:
                    errors[record.id] = ids_not_kept(exc, record, "its results")
            except BenchlingError as exc:
                log.info("batched result create failed (%s); taking the files one by one", exc.message)
        return updated, errors


def ids_not_kept(exc: ClientIdsNotKeptError, record: FileRecord, what: str) -> ServerAssignedIdsError:
    """The actionable, terminal error for a tenant that answered other ids than were sent."""
    if exc.created:
        outcome = (
            f"What Benchling created exists under its ids and is recorded: {', '.join(exc.assigned_ids[:5])}"
        )
        outcome += " ..." if len(exc.assigned_ids) > 5 else "."
    else:
        outcome = "Nothing was kept: the result transaction was aborted before its commit."
    return ServerAssignedIdsError(
        f"Benchling stored {what} of '{record.path}' under ids of its own instead of the ids sent: this "
        "tenant assigns its own ids, so a file cannot be created exactly once by its derived ids. Set "
        "'ids: server_assigned' under 'tenant:' in schemas_map.yaml (runs are then found by their "
        f"{{provenance: sha256}} field) and retry the file. {outcome}",
        method=exc.method,
        path=exc.path,
        status=exc.status,
        file=str(record.path),
        sent_ids=exc.sent_ids,
        assigned_ids=exc.assigned_ids,
    )


def _nothing_held_of(record: FileRecord) -> Holding:
    """The row's run exists (under ``record.run_id``), none of its results do."""
    plan = record.require_plan()
    return Holding(run_id=record.run_id or plan.run_id, missing_results=tuple(range(len(plan.results))))


def _blob_keys_of_results(plan: RunPlan, positions: Sequence[int]) -> set[str]:
    return blob_keys_in([plan.results[n].fields for n in positions])


def _other(actual: str | None, planned: str) -> str | None:
    """``actual`` when Benchling holds the object under another id than planned, else None."""
    return actual if actual is not None and actual != planned else None
