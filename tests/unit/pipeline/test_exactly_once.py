"""Benchling is the authority on what exists: ids derived from the content are looked up before any
upload or create, and what exists is adopted (in-process sandbox; judged by what the sandbox stored)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.models import BlobRef
from ingest.pipeline import Backfill, Outcome, Pipeline
from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_corpus, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox

WRITES = ("POST /blobs", "POST /assay-runs", "POST /assay-results", "POST /assay-results:bulk-create")


def writes(sandbox: InProcessSandbox) -> dict[str, int]:
    return {endpoint: sandbox.requests(endpoint) for endpoint in WRITES}


def lookups(sandbox: InProcessSandbox) -> int:
    return sandbox.requests("GET /assay-runs:bulk-get") + sandbox.requests("GET /assay-results:bulk-get")


def runs_of(sandbox: InProcessSandbox, item: GoodExport) -> list[dict[str, object]]:
    return [r for r in sandbox.store.runs() if r["fields"]["file_sha256"]["value"] == item.sha256]


def ingest(pipeline: Pipeline, item: GoodExport) -> tuple[str, str]:
    outcome = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
    return outcome.kind, outcome.message


def test_a_second_ledger_adopts_the_run_and_results_and_sends_nothing(tmp_path: Path) -> None:
    """A lost ledger, another working directory, a reimaged PC: the same file plans the same ids."""
    item = write_export(tmp_path / "inbox", 1, results=12)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "first", filing=False) as first:
            assert ingest(first, item)[0] == "done"
        before, looked = writes(sandbox), lookups(sandbox)
        with inprocess_pipeline(sandbox, tmp_path / "second", filing=False) as second:
            kind, message = ingest(second, item)
            record = second.ledger.latest_at_path(item.csv)
            events = second.ledger.events(record.id) if record else []
        assert kind == "adopted", message
        assert writes(sandbox) == before, "nothing is uploaded or created for a file Benchling holds"
        assert lookups(sandbox) - looked == 2, "one runs bulk-get, one results bulk-get"
        [run] = runs_of(sandbox, item)
        assert record is not None and record.state == "done" and record.run_id == run["id"]
        assert sorted(record.result_ids) == sorted(r["id"] for r in sandbox.store.results(run["id"]))
        assert any("adopted" in (e["detail"] or "") for e in events), events


def test_a_run_without_its_results_gets_only_its_results_and_the_blobs_they_need(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=12)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "first", filing=False) as first:
            admitted = first.admit(describe_path(item.csv), root=item.csv.parent)
            assert not isinstance(admitted, Outcome)
            planned = first.prepare(admitted)
            assert not isinstance(planned, Outcome)
            plan = planned.require_plan()
        # Another host got as far as the run (its blob fields left out here) and died.
        fields = {k: v for k, v in plan.run.fields.items() if not isinstance(v, BlobRef)}
        sandbox.client.create_run(replace(plan.run, fields=fields).body({}))
        with inprocess_pipeline(sandbox, tmp_path / "second", filing=False) as second:
            kind, message = ingest(second, item)
        assert kind == "done", message
        [run] = runs_of(sandbox, item)
        assert len(sandbox.store.results(run["id"])) == item.results
        assert sandbox.requests("POST /assay-runs") == 1, "the run is not created again"
        # The results reference the trace file only: neither the export nor the rendered PNG goes up.
        assert [b["name"] for b in sandbox.store.blobs()] == [item.trace.name]


def test_a_backfill_of_files_benchling_holds_costs_a_share_of_two_lookups(tmp_path: Path) -> None:
    items = write_corpus(tmp_path / "archive", 6)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "first", filing=False) as first:
            outcomes = Backfill(first, batch_files=6).run([i.csv for i in items], root=tmp_path / "archive")
        assert {o.kind for o in outcomes} == {"done"}
        before, looked = writes(sandbox), lookups(sandbox)
        with inprocess_pipeline(sandbox, tmp_path / "second", filing=False) as second:
            again = Backfill(second, batch_files=6).run([i.csv for i in items], root=tmp_path / "archive")
        assert [o.kind for o in again] == ["adopted"] * 6
        assert writes(sandbox) == before
        results = sum(i.results for i in items)
        assert lookups(sandbox) - looked == 1 + -(-results // 200), "batched across the files"
        assert len(sandbox.store.runs()) == 6


def test_force_takes_the_next_generation_even_when_the_ledger_is_lost(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "first", filing=False) as first:
            assert ingest(first, item)[0] == "done"
            forced = first.ingest(describe_path(item.csv), root=item.csv.parent, force=True)
            assert forced.kind == "done" and forced.record.generation == 1
        with inprocess_pipeline(sandbox, tmp_path / "second", filing=False) as second:
            assert ingest(second, item)[0] == "adopted", "generation 0 exists: adopted, not made again"
            forced = second.ingest(describe_path(item.csv), root=item.csv.parent, force=True)
        assert forced.kind == "done" and forced.record.generation == 2, "Benchling holds generations 0 and 1"
        runs = runs_of(sandbox, item)
        assert len(runs) == 3 and len({r["id"] for r in runs}) == 3
        assert all(len(sandbox.store.results(str(r["id"]))) == item.results for r in runs)
