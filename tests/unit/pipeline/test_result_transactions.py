"""A result transaction left by a killed process is resumed by its stored id: committed again when its
commit was being sent, aborted (then the results sent anew under the same ids) when results were being
appended. The killed process's part is played with raw requests to the in-process sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest.ledger import FileRecord
from ingest.sandbox import FaultSpec, inprocess_transport
from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox

#: More than one request's worth (100): the results go through a transaction.
RESULTS = 150


@contextmanager
def raw_api(sandbox: InProcessSandbox) -> Iterator[httpx.Client]:
    """What the killed process sent, sent here by hand."""
    with httpx.Client(
        transport=inprocess_transport(sandbox.app),
        base_url="http://sandbox/api/v2",
        auth=("sandbox-api-key", ""),
    ) as api:
        yield api


def run_created_row(sandbox: InProcessSandbox, work: Path, item: GoodExport) -> FileRecord:
    """A row whose run exists and whose results were never sent (their transaction could not start)."""
    with (
        faults(sandbox, "POST /result-transactions: script=502,502"),
        inprocess_pipeline(sandbox, work) as pipeline,
    ):
        outcome = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
    record = outcome.record
    assert (record.state, record.inflight, record.transaction_id) == ("run_created", "results", None)
    return record


@contextmanager
def faults(sandbox: InProcessSandbox, spec: str) -> Iterator[None]:
    sandbox.app.state.sandbox.set_faults(FaultSpec.parse(spec))
    try:
        yield
    finally:
        sandbox.app.state.sandbox.set_faults(FaultSpec())


def left_open(
    sandbox: InProcessSandbox,
    work: Path,
    record: FileRecord,
    *,
    appended: int,
    step: str,
    commit: bool = False,
) -> str:
    """Open a transaction, append the first ``appended`` results, maybe commit it, and leave the ledger
    as a process killed right after that leaves it."""
    bodies: list[dict[str, Any]] = record.require_plan().result_bodies(record.blob_ids)
    with raw_api(sandbox) as api:
        transaction_id = str(api.post("/result-transactions").json()["id"])
        for start in range(0, appended, 100):
            chunk = bodies[start : min(start + 100, appended)]
            answer = api.post(f"/result-transactions/{transaction_id}/results", json={"assayResults": chunk})
            assert answer.status_code == 200, answer.text
        if commit:
            assert api.post(f"/result-transactions/{transaction_id}:commit").status_code == 200
    with inprocess_pipeline(sandbox, work) as pipeline:
        pipeline.ledger.record_transaction(record.id, transaction_id)
        pipeline.ledger.mark_inflight(record.id, step)  # type: ignore[arg-type]
    return transaction_id


def resume(sandbox: InProcessSandbox, work: Path) -> FileRecord:
    sandbox.time.advance(3600)
    with inprocess_pipeline(sandbox, work) as pipeline:
        [outcome] = pipeline.resume()
    assert outcome.kind == "done", outcome.message
    return outcome.record


def status(sandbox: InProcessSandbox, transaction_id: str) -> str:
    record = sandbox.store.get("transactions", transaction_id)
    assert record is not None
    return str(record["status"])


def assert_one_complete_run(sandbox: InProcessSandbox, record: FileRecord) -> None:
    [run] = sandbox.store.runs()
    assert run["id"] == record.run_id
    stored = sandbox.store.results(run["id"])
    assert len(stored) == RESULTS
    planned = sorted(record.require_plan().result_ids)
    assert sorted(r["id"] for r in stored) == sorted(record.result_ids) == planned


@pytest.fixture
def item(tmp_path: Path) -> GoodExport:
    return write_export(tmp_path / "inbox", 1, results=RESULTS)


@pytest.mark.parametrize("appended", [100, RESULTS])
def test_a_transaction_killed_while_appending_is_aborted_and_the_results_sent_again(
    tmp_path: Path, item: GoodExport, appended: int
) -> None:
    """Its uncommitted results hold the very ids the file sends: without the abort Benchling refuses them
    as existing (the quarantine of issue 10)."""
    with inprocess_sandbox() as sandbox:
        record = run_created_row(sandbox, tmp_path, item)
        transaction_id = left_open(sandbox, tmp_path, record, appended=appended, step="results")
        done = resume(sandbox, tmp_path)
        assert status(sandbox, transaction_id) == "ABORTED"
        assert_one_complete_run(sandbox, done)


def test_a_transaction_killed_while_committing_is_committed_again(tmp_path: Path, item: GoodExport) -> None:
    with inprocess_sandbox() as sandbox:
        record = run_created_row(sandbox, tmp_path, item)
        transaction_id = left_open(sandbox, tmp_path, record, appended=RESULTS, step="results_commit")
        started = sandbox.requests("POST /result-transactions")
        done = resume(sandbox, tmp_path)
        assert status(sandbox, transaction_id) == "COMMITTED"
        assert sandbox.requests("POST /result-transactions") == started, "no new transaction"
        assert_one_complete_run(sandbox, done)


def test_a_commit_that_landed_before_the_kill_is_found_not_repeated(tmp_path: Path, item: GoodExport) -> None:
    with inprocess_sandbox() as sandbox:
        record = run_created_row(sandbox, tmp_path, item)
        left_open(sandbox, tmp_path, record, appended=RESULTS, step="results_commit", commit=True)
        sent = sandbox.requests("POST /result-transactions") + sandbox.requests("POST /assay-results")
        done = resume(sandbox, tmp_path)
        assert sandbox.requests("POST /result-transactions") + sandbox.requests("POST /assay-results") == sent
        assert_one_complete_run(sandbox, done)


def test_a_commit_refused_because_the_transaction_is_gone_starts_over(
    tmp_path: Path, item: GoodExport
) -> None:
    with inprocess_sandbox() as sandbox:
        record = run_created_row(sandbox, tmp_path, item)
        transaction_id = left_open(sandbox, tmp_path, record, appended=100, step="results_commit")
        with raw_api(sandbox) as api:  # it expired, or was aborted: Benchling will not commit it
            assert api.post(f"/result-transactions/{transaction_id}:abort").status_code == 200
        done = resume(sandbox, tmp_path)
        assert_one_complete_run(sandbox, done)
