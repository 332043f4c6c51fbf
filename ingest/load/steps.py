"""The composer's upload steps: a stored RunPlan carried out against Benchling, one ledger state at a time.

Part of the composition (it moves ledger rows and calls the client), used by ``pipeline`` and ``backfill``.

blobs (each id saved as soon as it exists) -> run -> results (all or none). Before each create the
step is written to the ledger's ``inflight`` column; finding it set on resume means the request may
have reached Benchling, so Benchling is asked (by the plan's client ids) before anything is resent.
The step methods are also used by the backfill, which batches the run and result creates of many
files into few requests.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ingest.benchling import BenchlingClient
from ingest.errors import LedgerError
from ingest.ledger.plan_codec import fill_blob_ids, plan_from_json
from ingest.ledger.sqlite import FileRecord, Ledger
from ingest.models import BlobUpload, RunPlan


class Uploader:
    """Advances ledger rows from ``planned`` to ``done``; safe to call again on a half-done row."""

    def __init__(self, client: BenchlingClient, ledger: Ledger, *, scratch_dir: Path) -> None:
        self._client = client
        self._ledger = ledger
        self._scratch = scratch_dir

    def finish(self, record: FileRecord) -> FileRecord:
        if record.state == "planned":
            record = self.upload_blobs(record)
        if record.state == "blobs_uploaded":
            record = self.create_run(record)
        if record.state == "run_created":
            record = self.create_results(record)
        return record

    # -- steps ------------------------------------------------------------------------------------

    def upload_blobs(self, record: FileRecord) -> FileRecord:
        for blob in plan_of(record).blobs:
            if blob.key not in record.blob_ids:
                record = self._ledger.record_blob(record.id, blob.key, self._upload(blob))
        return self._ledger.transition(record.id, "blobs_uploaded")

    def run_body(self, record: FileRecord) -> dict[str, Any]:
        body: dict[str, Any] = fill_blob_ids(dict(plan_of(record).run), record.blob_ids)
        return body

    def result_bodies(self, record: FileRecord) -> list[dict[str, Any]]:
        return [fill_blob_ids(dict(r), record.blob_ids) for r in plan_of(record).results]

    def create_run(self, record: FileRecord) -> FileRecord:
        body = self.run_body(record)
        run_id = str(body["id"])
        already = record.inflight == "run" and run_id in self._client.existing_runs([run_id])
        if not already:
            self._ledger.update(record.id, inflight="run")
            self._client.create_run(body)
        return self._ledger.transition(record.id, "run_created", run_id=run_id)

    def create_results(self, record: FileRecord) -> FileRecord:
        bodies = self.result_bodies(record)
        ids = [str(b["id"]) for b in bodies]
        done = record.inflight == "results" and bool(ids) and set(ids) <= self._client.existing_results(ids)
        if bodies and not done:
            self._ledger.update(record.id, inflight="results")
            file_id = record.id

            def remember_transaction(transaction_id: str) -> None:
                self._ledger.update(file_id, transaction_id=transaction_id)

            self._client.create_results(bodies, on_transaction=remember_transaction)
        return self._ledger.transition(record.id, "done", result_ids=ids)

    def _upload(self, blob: BlobUpload) -> str:
        assert blob.path is not None
        if blob.path.is_dir():
            # A multi-file unit (a ChemStation .D folder) goes up as one zip of the whole folder.
            with tempfile.TemporaryDirectory(dir=self._scratch) as tmp:
                archive = Path(tmp) / blob.name
                _zip_folder(blob.path, archive)
                return self._client.upload_blob(
                    archive, name=blob.name, blob_type=blob.blob_type, mime_type=blob.mime_type
                ).id
        return self._client.upload_blob(
            blob.path, name=blob.name, blob_type=blob.blob_type, mime_type=blob.mime_type
        ).id


def plan_of(record: FileRecord) -> RunPlan:
    if record.plan is None:
        raise LedgerError(f"Ledger row {record.id} ('{record.path}') has no stored plan.", file_id=record.id)
    return plan_from_json(record.plan)


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, Path(folder.name) / path.relative_to(folder))
