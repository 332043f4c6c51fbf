"""The LC walkthrough end to end against the sandbox over HTTP: one run per file, results linked to
the run, the sample entity and the chromatogram blob; a second pass creates nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from integration.pipeline.conftest import MakePipeline

from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from ingest.watch import describe_path

LC_FILES = [
    "2026-11-02_caffeine_std.csv",
    "2026-11-03_paracetamol_assay.csv",
    "2026-11-04_impurity_profile.csv",
]


def field_value(doc: dict, name: str) -> object:
    return doc["fields"][name]["value"]


@pytest.mark.variant_matrix
def test_each_file_becomes_one_linked_run(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    pipeline = make_pipeline()
    outcomes = [pipeline.ingest(describe_path(inbox / "lc" / name), root=inbox) for name in LC_FILES]
    assert [o.kind for o in outcomes] == ["done"] * 3, [o.message for o in outcomes]

    runs = sandbox.store.runs()
    assert len(runs) == 3
    blobs = {b["id"]: b for b in sandbox.store.blobs()}
    registered = {f"bfi_smp{n:03d}" for n in range(1, 21)}
    for outcome in outcomes:
        record = outcome.record
        run = next(r for r in runs if r["id"] == record.run_id)
        assert run["schema"]["id"] == "assaysch_chromrun01"
        assert field_value(run, "file_sha256") == record.sha256
        assert blobs[field_value(run, "source_file")]["uploadStatus"] == "COMPLETE"
        assert blobs[field_value(run, "chromatogram")]["type"] == "VISUALIZATION"
        results = sandbox.store.results(record.run_id)
        assert sorted(r["id"] for r in results) == sorted(record.result_ids)
        assert results, "every LC demo file has peaks"
        for result in results:
            assert field_value(result, "run") == record.run_id
            assert field_value(result, "sample") in registered
            assert blobs[field_value(result, "chromatogram")]["type"] == "RAW_FILE"
        # the export left the drop folder for the dated archive, together with nothing deleted
        assert record.final_path is not None and record.final_path.is_file()
        assert not record.path.exists()
    # the rendered PNGs were scratch copies: gone once uploaded
    assert list((tmp_path / "state" / "renders").glob("*")) == []


@pytest.mark.variant_matrix
def test_second_pass_creates_nothing(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    pipeline = make_pipeline(archive=False)
    first = [pipeline.ingest(describe_path(inbox / "lc" / name)) for name in LC_FILES]
    assert [o.kind for o in first] == ["done"] * 3
    counts = (len(sandbox.store.runs()), len(sandbox.store.results()), len(sandbox.store.blobs()))
    posts_before = sum(1 for e in sandbox.request_log.entries() if e.method == "POST")

    again = [pipeline.ingest(describe_path(inbox / "lc" / name)) for name in LC_FILES]
    copy = inbox / "lc" / "copy-of-caffeine.csv"
    shutil.copy(inbox / "lc" / LC_FILES[0], copy)
    duplicate = pipeline.ingest(describe_path(copy))

    assert [o.kind for o in again] == ["already_done"] * 3
    assert duplicate.kind == "duplicate"
    assert (len(sandbox.store.runs()), len(sandbox.store.results()), len(sandbox.store.blobs())) == counts
    assert sum(1 for e in sandbox.request_log.entries() if e.method == "POST") == posts_before


@pytest.mark.variant_matrix
def test_unknown_samples_quarantine_the_file_with_every_missing_id(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    bad = inbox / "lc" / "unknown_samples.csv"
    text = (inbox / "lc" / LC_FILES[0]).read_text(encoding="utf-8")
    bad.write_text(text.replace("SMP-001", "SMP-901").replace("SMP-002", "SMP-902"), encoding="utf-8")
    outcome = make_pipeline().ingest(describe_path(bad), root=inbox)

    assert outcome.kind == "failed"
    assert "SMP-901, SMP-902" in outcome.message
    quarantined = tmp_path / "failed" / "lc" / "unknown_samples.csv"
    assert quarantined.is_file() and not bad.exists()
    report = json.loads((tmp_path / "failed" / "lc" / "unknown_samples.csv.error.json").read_text())
    assert report["stage"] == "resolve"
    assert "SMP-901" in report["reason"] and "SMP-902" in report["reason"]
    assert sandbox.store.runs() == [] and sandbox.store.blobs() == []


def test_vendor_export_is_ingested(sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline) -> None:
    outcome = make_pipeline().ingest(describe_path(inbox / "shimadzu" / "SMP-013.txt"), root=inbox)
    assert outcome.kind == "done", outcome.message
    results = sandbox.store.results(outcome.record.run_id)
    assert results and all(field_value(r, "sample") == "bfi_smp013" for r in results)


@pytest.mark.variant_matrix
def test_commit_then_502_on_run_and_results_leaves_exactly_one_of_each(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    sandbox.set_faults(
        FaultSpec(
            rules=(
                FaultRule(method="POST", path="/assay-runs", script=("commit_then_502",)),
                FaultRule(method="POST", path="/assay-results", script=("commit_then_502",)),
            )
        )
    )
    outcome = make_pipeline().ingest(describe_path(inbox / "lc" / LC_FILES[0]), root=inbox)
    assert outcome.kind == "done", outcome.message
    assert len(sandbox.store.runs()) == 1
    assert sorted(r["id"] for r in sandbox.store.results()) == sorted(outcome.record.result_ids)


@pytest.mark.variant_matrix
def test_changed_file_at_same_path_is_a_new_run_and_can_supersede(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    pipeline = make_pipeline(archive=False, archive_superseded=True)
    export = inbox / "lc" / LC_FILES[0]
    first = pipeline.ingest(describe_path(export))
    assert first.kind == "done"
    export.write_text(export.read_text(encoding="utf-8").replace("316.3", "317.0"), encoding="utf-8")
    second = pipeline.ingest(describe_path(export))

    assert second.kind == "done", second.message
    assert second.record.previous_version == first.record.id
    assert second.record.run_id != first.record.run_id
    assert len(sandbox.store.runs()) == 2
    archived = {r["id"] for r in sandbox.store.results() if r["archiveRecord"] is not None}
    assert archived == set(first.record.result_ids)
    assert "archived 8 result(s) of the previous version" in second.message
