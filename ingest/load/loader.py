"""Carrying out a RunPlan against Benchling: blob uploads, run and result creates, existence checks.

The load stage calls the client and nothing else: it knows no ledger. Ids it learns come back as return
values (and a result transaction's id through ``on_transaction`` before the transaction is used, and
through ``on_commit`` before its commit), so the pipeline can save each one before the next step
depends on it.

``assigned_ids``: the tenant assigns its own ids (``tenant: ids: server_assigned``). Creates are then
sent once and answer the ids Benchling chose; results are sent with the id their run really has.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.benchling import BenchlingClient
from ingest.models import BlobUpload, RunPlan

#: Results in one ``:bulk-create`` task (Benchling's limit per call).
MAX_BULK_RESULTS = 4000

#: A plan and the ids of its uploaded blobs: what a create needs to build its bodies.
Loadable = tuple[RunPlan, Mapping[str, str]]


class Loader:
    """One shared client's worth of load steps; thread-safe as the client is."""

    def __init__(self, client: BenchlingClient, *, scratch_dir: Path, assigned_ids: bool = False) -> None:
        self._client = client
        self._scratch = scratch_dir
        self.assigned_ids = assigned_ids

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
        """The plan's run; returns the id Benchling holds it under (the planned one unless the tenant
        assigns its own ids: ``ClientIdsNotKeptError`` when it does and ``assigned_ids`` is off)."""
        if self.assigned_ids:
            return self._client.create_runs_assigned_ids([plan.run_body(blob_ids)])[0]
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
        run_id: str | None = None,
        positions: Sequence[int] | None = None,
        on_transaction: Callable[[str], None] | None = None,
        on_commit: Callable[[str], None] | None = None,
    ) -> list[str]:
        """One file's results (those at ``positions`` of ``plan.results``, default all), all or none;
        returns the ids Benchling holds them under. ``run_id``: the id the run really has, when not the
        planned one. A result transaction's id goes to ``on_transaction`` before it is used and to
        ``on_commit`` before its commit."""
        bodies = result_bodies(plan, blob_ids, run_id=run_id, positions=positions)
        create = (
            self._client.create_results_assigned_ids if self.assigned_ids else self._client.create_results
        )
        return create(bodies, on_transaction=on_transaction, on_commit=on_commit)

    def settle_transaction(self, transaction_id: str, *, committing: bool) -> bool:
        """Commit again (``committing``) or abort a transaction an interrupted create left; True when
        this commit succeeded (otherwise whether the results exist decides)."""
        return self._client.settle_result_transaction(transaction_id, committing=committing)

    def abort_transaction(self, transaction_id: str) -> None:
        """Abort a transaction left open by an earlier version (errors are logged, not raised)."""
        self._client.settle_result_transaction(transaction_id, committing=False)

    def bulk_create_results(self, items: Sequence[Loadable]) -> list[str]:
        """Several files' results in one ``:bulk-create`` task (all or none for all of them)."""
        bodies = [body for plan, blob_ids in items for body in plan.result_bodies(blob_ids)]
        return self._client.bulk_create_results(bodies)

    def archive_results(self, result_ids: Sequence[str]) -> None:
        """Archive results a corrected export replaces (results cannot be edited through the API)."""
        self._client.archive_results(result_ids, reason="Archived")


def result_bodies(
    plan: RunPlan,
    blob_ids: Mapping[str, str],
    *,
    run_id: str | None = None,
    positions: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """The create bodies of a plan's results (at ``positions``), linked to ``run_id`` when the run is
    held under another id than planned (the planned id is a derived UUID: no other value equals it)."""
    chosen = plan.results if positions is None else [plan.results[n] for n in positions]
    bodies = [r.body(blob_ids) for r in chosen]
    if run_id is None or run_id == plan.run_id:
        return bodies
    return [{**b, "fields": _relinked(b["fields"], plan.run_id, run_id)} for b in bodies]


def _relinked(fields: Mapping[str, Any], planned: str, actual: str) -> dict[str, Any]:
    return {
        name: actual
        if value == planned
        else [actual if v == planned else v for v in value]
        if isinstance(value, list)
        else value
        for name, value in fields.items()
    }


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, Path(folder.name) / path.relative_to(folder))
