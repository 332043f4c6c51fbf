"""The test data of the five formats added for issue 11 (OpenLab RDL text and result sets, UNICORN,
TotalChrom, EZStart) through the whole pipeline into the sandbox on 127.0.0.1: results land with their
samples, trace-only exports become runs with their raw file and rendered curves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from integration.pipeline.conftest import MakePipeline

from ingest.sandbox import SandboxServer
from ingest.watch import describe_path

CONFORMANCE = Path(__file__).resolve().parents[2] / "conformance" / "parsers"

# (format, input in its testdata/, results expected, samples the results link to)
CASES = [
    ("agilent_openlab_rdl_txt", "SMP-007 SMP-008 summary.txt", 4, {"bfi_smp007", "bfi_smp008"}),
    ("agilent_openlab_rslt", "Caffeine QC-2024-03-05 10-00-00+01-00.rslt", 4, {"bfi_smp010", "bfi_smp011"}),
    ("agilent_openlab_rslt", "Stability T1-2024-03-06 09-00-00+01-00.rslt", 1, {"bfi_smp012"}),
    ("perkinelmer_totalchrom_tx0", "SMP-001_014.TX0", 3, {"bfi_smp001"}),
    ("shimadzu_ezstart_asc", "SMP-003_a.asc", 0, set()),
    ("cytiva_unicorn_csv", "SEC_SMP-005 001.csv", 0, set()),
]


@pytest.mark.parametrize(("parser", "name", "result_count", "samples"), CASES, ids=[c[1] for c in CASES])
def test_format_testdata_is_ingested(
    parser: str,
    name: str,
    result_count: int,
    samples: set[str],
    sandbox: SandboxServer,
    make_pipeline: MakePipeline,
    tmp_path: Path,
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    source = CONFORMANCE / parser / "testdata" / name
    export = drop / name
    if source.is_dir():
        shutil.copytree(source, export)
    else:
        shutil.copy(source, export)

    outcome = make_pipeline().ingest(describe_path(export), root=drop)

    assert outcome.kind == "done", outcome.message
    (run,) = sandbox.store.runs()
    assert run["fields"]["parser"]["value"] == f"{parser} 1.0.0"
    results = sandbox.store.results()
    assert len(results) == result_count
    assert {r["fields"]["sample"]["value"] for r in results} == samples
    blob_types = sorted(b["type"] for b in sandbox.store.blobs())
    traces = result_count == 0 or parser == "agilent_openlab_rslt"
    assert blob_types == (["RAW_FILE", "VISUALIZATION"] if traces else ["RAW_FILE"])
    if traces:
        png = sandbox.blob_bytes(run["fields"]["chromatogram"]["value"])
        assert png.startswith(b"\x89PNG")
    assert (tmp_path / "archive").exists()
