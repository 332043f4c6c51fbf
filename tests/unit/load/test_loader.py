"""The load stage against the in-process sandbox: blobs (files and folder units), runs and results, and
the existence checks a resumed file relies on. The loader knows no ledger: ids come back as values."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

from ingest.models import BlobRef, BlobUpload, PlannedObject, RunPlan
from tests.support.inprocess_pipeline import inprocess_sandbox, loader_for

RUN_SCHEMA, RESULT_SCHEMA = "assaysch_chromrun01", "assaysch_chromres01"


def an_id(name: str) -> str:
    """Client-generated ids are UUIDs (Benchling refuses others); these are stable per name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def plan_with(results: int, *, run_id: str = an_id("run-a"), prefix: str = "res-a") -> RunPlan:
    run = PlannedObject(run_id, RUN_SCHEMA, {"instrument": "LC-1"})
    bodies = tuple(
        PlannedObject(
            an_id(f"{prefix}-{i}"),
            RESULT_SCHEMA,
            {"run": run_id, "sample": "bfi_smp001", "retention_time_min": 1.0 + i},
        )
        for i in range(results)
    )
    return RunPlan(Path("/drop/a.csv"), "aa", "lc_results_csv", run, bodies)


def test_a_file_and_a_folder_unit_are_uploaded_and_their_ids_returned(tmp_path: Path) -> None:
    export = tmp_path / "a.csv"
    export.write_text("x,y\n1,2\n", encoding="utf-8")
    unit = tmp_path / "RUN1.D"
    (unit / "sub").mkdir(parents=True)
    (unit / "Report00.CSV").write_text("r", encoding="utf-8")
    (unit / "sub" / "signal.ch").write_bytes(b"\x00\x01")
    with inprocess_sandbox() as sandbox:
        loader = loader_for(sandbox, tmp_path / "scratch")
        file_id = loader.upload_blob(BlobUpload("export", "a.csv", "RAW_FILE", "text/csv", path=export))
        unit_id = loader.upload_blob(
            BlobUpload("unit", "RUN1.D.zip", "RAW_FILE", "application/zip", path=unit)
        )
        assert sandbox.client.get_blob(file_id).name == "a.csv"
        assert sandbox.client.get_blob(unit_id).name == "RUN1.D.zip"
        assert sorted(b["id"] for b in sandbox.store.blobs()) == sorted([file_id, unit_id])
        stored = sandbox.app.state.sandbox.blobs.blob_path(unit_id).read_bytes()
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        assert sorted(archive.namelist()) == ["RUN1.D/Report00.CSV", "RUN1.D/sub/signal.ch"]
    assert list((tmp_path / "scratch").iterdir()) == [], "the zip is scratch, removed after upload"


def test_a_run_is_created_with_its_blob_ids_filled_in_and_then_found(tmp_path: Path) -> None:
    with inprocess_sandbox() as sandbox:
        loader = loader_for(sandbox, tmp_path)
        plan = plan_with(0)
        assert not loader.run_exists(plan)
        assert loader.create_run(plan, {}) == plan.run_id
        assert loader.run_exists(plan)
        [run] = sandbox.store.runs()
        assert run["id"] == plan.run_id
        blob = loader.upload_blob(
            BlobUpload("export", "a.csv", "RAW_FILE", "text/csv", path=_file(tmp_path / "a.csv"))
        )
        assert plan_with_blob(an_id("run-b")).run_body({"export": blob})["fields"]["source_file"] == blob


def plan_with_blob(run_id: str) -> RunPlan:
    run = PlannedObject(run_id, RUN_SCHEMA, {"instrument": "LC-1", "source_file": BlobRef("export")})
    return RunPlan(Path("/drop/a.csv"), "aa", "lc_results_csv", run, ())


def _file(path: Path) -> Path:
    path.write_text("a", encoding="utf-8")
    return path


def test_many_results_go_through_one_transaction_whose_id_is_reported_first(tmp_path: Path) -> None:
    with inprocess_sandbox() as sandbox:
        loader = loader_for(sandbox, tmp_path)
        plan = plan_with(150)
        loader.create_run(plan, {})
        assert not loader.results_exist(plan)
        transactions: list[str] = []
        ids = loader.create_results(plan, {}, on_transaction=transactions.append)
        assert ids == plan.result_ids
        assert len(transactions) == 1
        assert loader.results_exist(plan)
        assert len(sandbox.store.results(plan.run_id)) == 150


def test_several_files_share_one_run_request_and_one_bulk_task(tmp_path: Path) -> None:
    with inprocess_sandbox() as sandbox:
        loader = loader_for(sandbox, tmp_path)
        plans = [plan_with(3, run_id=an_id(f"run-{n}"), prefix=f"res-{n}") for n in range(3)]
        assert loader.create_runs([(p, {}) for p in plans]) == [p.run_id for p in plans]
        loader.bulk_create_results([(p, {}) for p in plans])
        assert all(loader.results_exist(p) for p in plans)
        assert sandbox.requests("POST /assay-runs") == 1
        assert sandbox.requests("POST /assay-results:bulk-create") == 1


def test_results_a_corrected_export_replaces_are_archived(tmp_path: Path) -> None:
    with inprocess_sandbox() as sandbox:
        loader = loader_for(sandbox, tmp_path)
        plan = plan_with(2)
        loader.create_run(plan, {})
        loader.create_results(plan, {})
        loader.archive_results(plan.result_ids)
        assert all(sandbox.client.get_result(i).archive_record is not None for i in plan.result_ids)
