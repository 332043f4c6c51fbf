"""Tenants that assign their own ids: caught and stopped with an actionable error when the map says the
ids are kept (never recording an id that does not exist), and ingested exactly once, found by the run's
file-hash field, when the map says ``tenant: ids: server_assigned`` (sandbox ``client_ids`` variant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sandbox import Variants
from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import (
    InProcessSandbox,
    inprocess_pipeline,
    inprocess_sandbox,
    map_with_server_assigned_ids,
)

SERVER_IDS = Variants(client_ids="server_assigned")


def only_run(sandbox: InProcessSandbox) -> dict[str, object]:
    [run] = sandbox.store.runs()
    return run


def test_ids_not_kept_stop_the_file_naming_the_setting_and_recording_the_run_that_exists(
    tmp_path: Path,
) -> None:
    item = write_export(tmp_path / "inbox", 1, results=6)
    with inprocess_sandbox(variants=SERVER_IDS) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            outcome = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
        assert outcome.kind == "failed"
        assert "ids: server_assigned" in outcome.message and "tenant:" in outcome.message
        assert outcome.record.last_error is not None
        assert outcome.record.last_error["type"] == "ServerAssignedIdsError"
        run = only_run(sandbox)
        assert outcome.record.run_id == run["id"], "the id recorded is the one that exists"
        assert run["id"] != outcome.record.require_plan().run_id
        assert sandbox.store.results(str(run["id"])) == []


def test_switching_to_server_assigned_ids_completes_the_run_the_failed_attempt_made(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=6)
    server_map = map_with_server_assigned_ids(tmp_path / "maps")
    with inprocess_sandbox(variants=SERVER_IDS) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
            assert pipeline.ingest(describe_path(item.csv)).kind == "failed"
        with inprocess_pipeline(sandbox, tmp_path, filing=False, schema_map=server_map) as pipeline:
            outcome = pipeline.ingest(describe_path(item.csv))
        assert outcome.kind == "done", outcome.message
        run = only_run(sandbox)
        assert outcome.record.run_id == run["id"]
        assert sorted(outcome.record.result_ids) == sorted(
            r["id"] for r in sandbox.store.results(str(run["id"]))
        )
        assert len(outcome.record.result_ids) == item.results


@pytest.mark.parametrize("results", [6, 150])
def test_server_assigned_ids_ingest_once_and_a_second_ledger_adopts(tmp_path: Path, results: int) -> None:
    item = write_export(tmp_path / "inbox", 1, results=results)
    server_map = map_with_server_assigned_ids(tmp_path / "maps")
    with inprocess_sandbox(variants=SERVER_IDS) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "a", filing=False, schema_map=server_map) as first:
            done = first.ingest(describe_path(item.csv))
        assert done.kind == "done", done.message
        run = only_run(sandbox)
        assert done.record.run_id == run["id"]
        held = sandbox.store.results(str(run["id"]))
        assert len(held) == results and sorted(done.record.result_ids) == sorted(r["id"] for r in held)
        posts = sandbox.requests("POST /assay-runs")
        with inprocess_pipeline(sandbox, tmp_path / "b", filing=False, schema_map=server_map) as second:
            again = second.ingest(describe_path(item.csv))
        assert again.kind == "adopted", again.message
        assert again.record.run_id == run["id"] and sorted(again.record.result_ids) == sorted(
            done.record.result_ids
        )
        assert sandbox.requests("POST /assay-runs") == posts
        assert len(sandbox.store.runs()) == 1


def test_an_ambiguous_run_create_is_found_by_its_hash_not_sent_again(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=6)
    server_map = map_with_server_assigned_ids(tmp_path / "maps")
    with inprocess_sandbox("POST /assay-runs: script=commit_then_502", variants=SERVER_IDS) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path, filing=False, schema_map=server_map) as pipeline:
            waiting = pipeline.ingest(describe_path(item.csv))
        assert waiting.kind == "waiting" and waiting.record.inflight == "run", waiting.message
        assert sandbox.requests("POST /assay-runs") == 1, "sent once: it cannot be asked for by our id"
        sandbox.time.advance(3600)
        with inprocess_pipeline(sandbox, tmp_path, filing=False, schema_map=server_map) as pipeline:
            [done] = pipeline.resume()
        assert done.kind == "done", done.message
        run = only_run(sandbox)
        assert done.record.run_id == run["id"]
        assert len(sandbox.store.results(str(run["id"]))) == item.results


def test_a_run_with_some_of_its_results_is_an_error_for_a_person(tmp_path: Path) -> None:
    item: GoodExport = write_export(tmp_path / "inbox", 1, results=6)
    server_map = map_with_server_assigned_ids(tmp_path / "maps")
    with inprocess_sandbox(variants=SERVER_IDS) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path / "a", filing=False, schema_map=server_map) as first:
            done = first.ingest(describe_path(item.csv))
        # A run holding some of its results (no tool of ours leaves that; a person or another tool might).
        sandbox.app.state.sandbox.store.delete_many("results", done.record.result_ids[:2])
        with inprocess_pipeline(sandbox, tmp_path / "b", filing=False, schema_map=server_map) as second:
            outcome = second.ingest(describe_path(item.csv))
        assert outcome.kind == "failed"
        assert "holds 4 result(s), but the file has 6" in outcome.message
        assert len(sandbox.store.runs()) == 1
