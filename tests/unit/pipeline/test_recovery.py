"""Files an earlier version of this tool quarantined come back whole with ``retry --all``.

The state is the one issue 10 reports: a large file killed inside its result transaction, restarted,
its fresh transaction refused ("already exists": the first one, still open, holds the same result ids),
the file quarantined for good with its run left empty, and its trace file quarantined separately as an
attachment of a failed export. That version planned random ids; the ledger rows it left are written
here as data. After ``retry --all`` the export adopts the plan whose run exists, aborts the transaction
left open, and completes that run; the trace comes back with it and ends as its attachment.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

import httpx

from ingest import filing
from ingest.ledger import FileRecord
from ingest.operations.retry import retry_quarantined
from ingest.sandbox import FaultSpec, inprocess_transport
from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox

RESULTS = 150
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def with_random_ids(ledger: Path, file_id: int) -> None:
    """Give the row's stored plan random ids, as the version before derived ids planned them."""
    with sqlite3.connect(ledger) as db:
        plan = json.loads(db.execute("SELECT plan FROM files WHERE id = ?", (file_id,)).fetchone()[0])
        text = json.dumps(plan)
        for old in [plan["run"]["id"], *(r["id"] for r in plan["results"])]:
            text = text.replace(old, str(uuid.uuid4()))
        run_id = json.loads(text)["run"]["id"]
        db.execute("UPDATE files SET plan = ?, run_id = ? WHERE id = ?", (text, run_id, file_id))


def the_old_failure(sandbox: InProcessSandbox, work: Path, item: GoodExport) -> tuple[str, str]:
    """Leave Benchling, the ledger and the folders as the earlier version did; returns the run id and
    the transaction left open."""
    inbox = item.csv.parent
    sandbox.app.state.sandbox.set_faults(FaultSpec.parse("POST /result-transactions: script=502,502"))
    with inprocess_pipeline(sandbox, work) as pipeline:
        admitted = pipeline.admit(describe_path(item.csv), root=inbox)
        assert isinstance(admitted, FileRecord)
        planned = pipeline.prepare(admitted)
        assert isinstance(planned, FileRecord)
    with_random_ids(work / "state" / "ledger.sqlite", planned.id)
    with inprocess_pipeline(sandbox, work) as pipeline:
        [row] = pipeline.ledger.pending()
        waiting = pipeline.advance(row)
        record = waiting.record
        assert (record.state, record.inflight) == ("run_created", "results"), waiting.message
    sandbox.app.state.sandbox.set_faults(FaultSpec())
    bodies = record.require_plan().result_bodies(record.blob_ids)
    with httpx.Client(
        transport=inprocess_transport(sandbox.app),
        base_url="http://sandbox/api/v2",
        auth=("sandbox-api-key", ""),
    ) as api:
        first = api.post("/result-transactions").json()["id"]  # killed inside this one
        assert api.post(
            f"/result-transactions/{first}/results", json={"assayResults": bodies[:100]}
        ).is_success
        second = api.post("/result-transactions").json()["id"]  # the restart's, refused
        refused = api.post(f"/result-transactions/{second}/results", json={"assayResults": bodies[:100]})
        assert refused.status_code == 400 and "already exists" in refused.text
        api.post(f"/result-transactions/{second}:abort")
    error = {"type": "BenchlingRejectedError", "stage": "upload", "message": refused.text, "details": {}}
    with inprocess_pipeline(sandbox, work) as pipeline:
        ledger = pipeline.ledger
        ledger.record_transaction(record.id, first)
        failed = ledger.mark_failed(record.id, error)
        target = filing.quarantine(item.csv, inbox, work / "failed", error=error, now=NOW)
        ledger.record_final_path(failed.id, target)
        trace = ledger.record_discovered(describe_path(item.trace), root=inbox)
        trace_error = {**error, "message": f"'{item.trace}' is an attachment of '{item.csv}', which failed"}
        ledger.mark_failed(trace.id, trace_error)
        moved = filing.quarantine(item.trace, inbox, work / "failed", error=trace_error, now=NOW)
        ledger.record_final_path(trace.id, moved)
    return str(record.run_id), str(first)


def test_retry_all_recovers_a_file_quarantined_by_the_old_transaction_bug_with_its_trace(
    tmp_path: Path,
) -> None:
    item = write_export(tmp_path / "inbox", 1, results=RESULTS)
    inbox = item.csv.parent
    with inprocess_sandbox() as sandbox:
        run_id, left_open = the_old_failure(sandbox, tmp_path, item)
        assert [r["id"] for r in sandbox.store.runs()] == [run_id] and sandbox.store.results(run_id) == []
        restored = retry_quarantined(
            tmp_path / "state" / "ledger.sqlite", tmp_path / "failed", everything=True
        )
        assert sorted(r.restored_to.name for r in restored) == sorted([item.csv.name, item.trace.name])
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            # The watcher may see the trace first: it waits for its export instead of failing again.
            trace = pipeline.ingest(describe_path(item.trace), root=inbox)
            assert trace.kind == "waiting", trace.message
            export = pipeline.ingest(describe_path(item.csv), root=inbox)
            assert export.kind == "done", export.message
            assert pipeline.ledger.get(trace.record.id).state == "attachment"
            sandbox.time.advance(60)
            assert pipeline.resume() == [], "nothing left pending"
        assert [r["id"] for r in sandbox.store.runs()] == [run_id], "the empty run is completed, not doubled"
        assert len(sandbox.store.results(run_id)) == RESULTS
        assert export.record.run_id == run_id
        assert (sandbox.store.get("transactions", left_open) or {}).get("status") == "ABORTED"
    assert sorted(p.name for p in (tmp_path / "failed").rglob("*") if p.is_file()) == []
    assert sorted(p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()) == sorted(
        [item.csv.name, item.trace.name]
    )


def test_retrying_the_export_by_name_brings_its_separately_quarantined_trace_back(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=RESULTS)
    with inprocess_sandbox() as sandbox:
        run_id, _ = the_old_failure(sandbox, tmp_path, item)
        quarantined = tmp_path / "failed" / item.csv.name
        restored = retry_quarantined(
            tmp_path / "state" / "ledger.sqlite", tmp_path / "failed", files=[quarantined]
        )
        assert sorted(r.restored_to for r in restored) == sorted([item.csv, item.trace])
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            export = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
        assert export.kind == "done", export.message
        assert len(sandbox.store.results(run_id)) == RESULTS
