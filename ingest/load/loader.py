"""Carrying out a RunPlan against Benchling: blob uploads, run and result creates, existence checks.

The load stage calls the client and nothing else: it knows no ledger. Ids it learns come back as return
values (and a result transaction's id through ``on_transaction`` before the transaction is used), so the
pipeline can save each one before the next step depends on it.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ingest.benchling import BenchlingClient
from ingest.models import BlobUpload, RunPlan

#: Results in one ``:bulk-create`` task (Benchling's limit per call).
MAX_BULK_RESULTS = 4000

#: A plan and the ids of its uploaded blobs: what a create needs to build its bodies.
Loadable = tuple[RunPlan, Mapping[str, str]]


class Loader:
    """One shared client's worth of load steps; thread-safe as the client is."""

    def __init__(self, client: BenchlingClient, *, scratch_dir: Path) -> None:
        self._client = client
        self._scratch = scratch_dir

    def upload_blob(self, blob: BlobUpload) -> str:
        """Upload one planned blob and return its id. A folder unit goes up as one zip of the folder."""
        if blob.path is None:
            raise ValueError(f"blob '{blob.key}' has no file to upload")
        if blob.path.is_dir():
            with tempfile.TemporaryDirectory(dir=self._scratch) as tmp:
                archive = Path(tmp) / blob.name
                _zip_folder(blob.path, archive)
                return self._client.upload_blob(
                    archive, name=blob.name, blob_type=blob.blob_type, mime_type=blob.mime_type
                ).id
        return self._client.upload_blob(
            blob.path, name=blob.name, blob_type=blob.blob_type, mime_type=blob.mime_type
        ).id

    def run_exists(self, plan: RunPlan) -> bool:
        """Whether Benchling holds the plan's run (asked after a possibly interrupted create)."""
        return plan.run_id in self._client.existing_runs([plan.run_id])

    def create_run(self, plan: RunPlan, blob_ids: Mapping[str, str]) -> str:
        return self._client.create_run(plan.run_body(blob_ids))

    def create_runs(self, items: Sequence[Loadable]) -> list[str]:
        """Several files' runs in one request (all or none)."""
        return self._client.create_runs([plan.run_body(blob_ids) for plan, blob_ids in items])

    def results_exist(self, plan: RunPlan) -> bool:
        """Whether Benchling holds every result of the plan (results are committed all or none)."""
        ids = plan.result_ids
        return bool(ids) and set(ids) <= self._client.existing_results(ids)

    def create_results(
        self,
        plan: RunPlan,
        blob_ids: Mapping[str, str],
        *,
        on_transaction: Callable[[str], None] | None = None,
    ) -> list[str]:
        """One file's results, all or none; a result transaction's id goes to ``on_transaction``
        before the transaction is used."""
        return self._client.create_results(plan.result_bodies(blob_ids), on_transaction=on_transaction)

    def bulk_create_results(self, items: Sequence[Loadable]) -> list[str]:
        """Several files' results in one ``:bulk-create`` task (all or none for all of them)."""
        bodies = [body for plan, blob_ids in items for body in plan.result_bodies(blob_ids)]
        return self._client.bulk_create_results(bodies)

    def archive_results(self, result_ids: Sequence[str]) -> None:
        """Archive results a corrected export replaces (results cannot be edited through the API)."""
        self._client.archive_results(result_ids, reason="Archived")


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, Path(folder.name) / path.relative_to(folder))
