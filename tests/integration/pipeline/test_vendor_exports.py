"""Real third-party exports through the whole pipeline: trace-only files become runs without results;
exports whose sample names are not registered are quarantined naming them."""

from __future__ import annotations

import shutil
from pathlib import Path

from integration.pipeline.conftest import MakePipeline

from ingest.sandbox import SandboxServer
from ingest.watch import describe_path


def test_trace_only_export_becomes_a_run_with_its_chromatogram(
    sandbox: SandboxServer, instrument_exports: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    export = drop / "chromeleon7.txt"
    shutil.copy(instrument_exports / "thermo-chromeleon-7" / "05_20170526_MME_AA_STD-Mix2_ED_1.txt", export)
    outcome = make_pipeline().ingest(describe_path(export), root=drop)

    assert outcome.kind == "done", outcome.message
    (run,) = sandbox.store.runs()
    assert run["fields"]["method"]["value"] == "0-400 mM NaAc 40 min_OHNE_PORT_B 1HZ"
    assert sandbox.store.results() == []
    blob_types = sorted(b["type"] for b in sandbox.store.blobs())
    assert blob_types == ["RAW_FILE", "VISUALIZATION"]
    png = sandbox.blob_bytes(run["fields"]["chromatogram"]["value"])
    assert png.startswith(b"\x89PNG")


def test_chemstation_folder_with_unregistered_sample_is_quarantined(
    sandbox: SandboxServer, instrument_exports: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    unit = drop / "2022-01-28_11-35-44_ba.D"
    shutil.copytree(instrument_exports / "agilent-chemstation-csv-report" / "2022-01-28_11-35-44_ba.D", unit)
    outcome = make_pipeline().ingest(describe_path(unit), root=drop)

    assert outcome.kind == "failed"
    assert "not registered" in outcome.message and "ba" in outcome.message
    assert (tmp_path / "failed" / "2022-01-28_11-35-44_ba.D").is_dir()
    assert (tmp_path / "failed" / "2022-01-28_11-35-44_ba.D.error.json").is_file()
    assert sandbox.store.runs() == []
