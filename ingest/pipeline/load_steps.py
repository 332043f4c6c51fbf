"""The load stage's steps with their ledger checkpoints: ``planned -> blobs_uploaded -> run_created ->
done``, one file at a time or several files' creates batched into few requests.

Each blob id is saved the moment it exists. Before each create the step is marked ``inflight``; finding
the mark set on resume means the request may have reached Benchling, so Benchling is asked (by the
plan's client ids) before anything is sent again. Safe to call again on a half-done row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ingest.errors import BenchlingError
from ingest.ledger import FileRecord, Ledger
from ingest.load import MAX_BULK_RESULTS, Loader

log = logging.getLogger("ingest.pipeline")


class LoadSteps:
    def __init__(self, ledger: Ledger, loader: Loader) -> None:
        self._ledger = ledger
        self._loader = loader

    def finish(self, record: FileRecord) -> FileRecord:
        """Take a planned row as far as ``done``, resuming at whatever step it is in."""
        if record.state == "planned":
            record = self.upload_blobs(record)
        if record.state == "blobs_uploaded":
            record = self.create_run(record)
        if record.state == "run_created":
            record = self.create_results(record)
        return record

    def upload_blobs(self, record: FileRecord) -> FileRecord:
        for blob in record.require_plan().blobs:
            if blob.key not in record.blob_ids:
                record = self._ledger.record_blob(record.id, blob.key, self._loader.upload_blob(blob))
        return self._ledger.mark_blobs_uploaded(record.id)

    def create_run(self, record: FileRecord) -> FileRecord:
        plan = record.require_plan()
        already = record.inflight == "run" and self._loader.run_exists(plan)
        if not already:
            self._ledger.mark_inflight(record.id, "run")
            self._loader.create_run(plan, record.blob_ids)
        return self._ledger.mark_run_created(record.id)

    def create_results(self, record: FileRecord) -> FileRecord:
        plan = record.require_plan()
        done = record.inflight == "results" and self._loader.results_exist(plan)
        if plan.results and not done:
            self._ledger.mark_inflight(record.id, "results")
            file_id = record.id

            def remember_transaction(transaction_id: str) -> None:
                self._ledger.record_transaction(file_id, transaction_id)

            self._loader.create_results(plan, record.blob_ids, on_transaction=remember_transaction)
        return self._ledger.mark_done(record.id, plan.result_ids)

    def create_batched(self, records: Sequence[FileRecord]) -> None:
        """Several rows' runs in one request, then their results in one ``:bulk-create`` task.

        Only rows that are exactly at the step (and not inflight from an earlier attempt) take part,
        and only when more than one does. A failed batch is logged and left: each row is then where it
        was, or inflight, and ``finish`` takes it one by one (checking first when inflight).
        """
        fresh = [r for r in records if r.state == "blobs_uploaded" and r.inflight is None]
        if len(fresh) > 1:
            try:
                for record in fresh:
                    self._ledger.mark_inflight(record.id, "run")
                self._loader.create_runs([(r.require_plan(), r.blob_ids) for r in fresh])
                for record in fresh:
                    self._ledger.mark_run_created(record.id)
            except BenchlingError as exc:
                log.info("batched run create failed (%s); taking the files one by one", exc.message)
        current = [self._ledger.get(r.id) for r in records]
        batch = [r for r in current if r.state == "run_created" and r.inflight is None]
        results = sum(len(r.require_plan().results) for r in batch)
        if len(batch) > 1 and 0 < results <= MAX_BULK_RESULTS:
            try:
                for record in batch:
                    self._ledger.mark_inflight(record.id, "results")
                self._loader.bulk_create_results([(r.require_plan(), r.blob_ids) for r in batch])
                for record in batch:
                    self._ledger.mark_done(record.id, record.require_plan().result_ids)
            except BenchlingError as exc:
                log.info("batched result create failed (%s); taking the files one by one", exc.message)
