"""What the parsers read from other sites' exports, and what they refuse, through the whole pipeline.

A Chromeleon 7.3 export's new key names reach the run in the sandbox; the site's ``date_order`` and
``formula_text`` settings in ``schemas_map.yaml`` reach the parser; refusals (a header-only export,
formula text a site refuses, a batch file) are quarantined with their reason in the ledger and in
``<name>.error.json``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

from integration.pipeline.conftest import REPO, MakePipeline

from ingest.sandbox import SandboxServer
from ingest.watch import describe_path
from tests.support.corpus import HEADER, csv_text, result_rows, trace_text

TESTDATA = REPO / "tests" / "conformance" / "parsers"


def site_map(tmp_path: Path, setting: str) -> Path:
    """The repository's schemas_map.yaml with one top-level reading setting (``key: value``) set."""
    text = (REPO / "schemas_map.yaml").read_text(encoding="utf-8")
    key = setting.split(":", 1)[0]
    if re.search(rf"^{key}:", text, flags=re.MULTILINE):
        text = re.sub(rf"^{key}:.*$", setting, text, count=1, flags=re.MULTILINE)
    else:
        text = text.replace("\ntimezone:", f"\n{setting}\ntimezone:", 1)
    path = tmp_path / "schemas_map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def lc_export(drop: Path, name: str, *, date: str, peak_name: str = "Caffeine") -> Path:
    """An LC results CSV of registered samples with a trace file, its date and first peak name set."""
    drop.mkdir(parents=True, exist_ok=True)
    trace = drop / f"{Path(name).stem}_trace.csv"
    trace.write_text(trace_text(random.Random(1), 40), encoding="utf-8")
    rows = result_rows(3, random.Random(3), 4, trace.name)
    for row in rows:
        row[HEADER.index("Injection Date")] = date
    rows[0][HEADER.index("Peak Name")] = peak_name
    path = drop / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def error_report(tmp_path: Path, name: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(
        (tmp_path / "failed" / f"{name}.error.json").read_text(encoding="utf-8")
    )
    return report


def test_a_chromeleon_7_3_export_reaches_the_run_with_its_new_keys(
    sandbox: SandboxServer, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    export = drop / "Para_Std2_v73.txt"
    shutil.copy(TESTDATA / "thermo_chromeleon_txt" / "testdata" / export.name, export)

    outcome = make_pipeline().ingest(describe_path(export), root=drop)

    assert outcome.kind == "done", outcome.message
    (run,) = sandbox.store.runs()
    fields = {name: value["value"] for name, value in run["fields"].items()}
    assert fields["injection_volume_ul"] == 10.0  # "Volume 10.000 µl", 7.3's name for the volume
    assert fields["operator"] == "l.schmidt"
    assert fields["sequence"] == "2025-07-01_Para_Kal"  # from 7.3's "URL"
    # "Inject Time 7/1/2025 00:03:04 +02:00": 1 July (another date shows month first), offset kept.
    assert fields["injection_time"].startswith("2025-07-01T00:03:04")
    record = outcome.record
    assert record.state == "done" and record.require_plan().run.fields["injection_volume_ul"] == 10.0


def test_the_sites_date_order_reaches_the_parser(
    sandbox: SandboxServer, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    export = lc_export(tmp_path / "drop", "lc_0001.csv", date="05/06/2024 09:15")
    pipeline = make_pipeline(map_path=site_map(tmp_path, "date_order: month_first"))

    outcome = pipeline.ingest(describe_path(export), root=export.parent)

    assert outcome.kind == "done", outcome.message
    (run,) = sandbox.store.runs()
    assert run["fields"]["injection_time"]["value"].startswith("2024-05-06T09:15:00")  # 6 May, not 5 June
    assert not outcome.record.require_plan().warnings


def test_a_header_only_export_is_quarantined_with_its_reason(
    sandbox: SandboxServer, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    export = drop / "empty_run.csv"
    export.write_text(",".join(HEADER) + "\n", encoding="utf-8")

    outcome = make_pipeline().ingest(describe_path(export), root=drop)

    assert outcome.kind == "failed"
    reason = "'empty_run.csv' has a header row but no result rows"
    assert reason in outcome.message
    assert outcome.record.last_error is not None and reason in outcome.record.last_error["message"]
    assert reason in str(error_report(tmp_path, "empty_run.csv")["reason"])
    assert sandbox.store.runs() == []


def test_formula_text_is_neutralised_by_default_and_refused_where_the_site_says(
    sandbox: SandboxServer, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    formula = "=cmd|' /C calc'!A0"
    neutral = lc_export(tmp_path / "drop", "lc_0002.csv", date="2024-05-06 09:15", peak_name=formula)
    outcome = make_pipeline().ingest(describe_path(neutral), root=neutral.parent)
    assert outcome.kind == "done", outcome.message
    names = [r["fields"]["peak_name"]["value"] for r in sandbox.store.results()]
    assert "'" + formula in names and formula not in names
    assert any("would run as a formula" in w for w in outcome.record.require_plan().warnings)

    refused = lc_export(tmp_path / "drop2", "lc_0003.csv", date="2024-05-07 09:15", peak_name="@SUM(A1:A9)")
    pipeline = make_pipeline(
        map_path=site_map(tmp_path, "formula_text: refuse"), ledger=tmp_path / "l2.sqlite"
    )
    outcome = pipeline.ingest(describe_path(refused), root=refused.parent)
    assert outcome.kind == "failed"
    assert "'@SUM(A1:A9)' (line 2 column 'Peak Name')" in outcome.message
    assert "formula_text: refuse" in str(error_report(tmp_path, "lc_0003.csv")["reason"])


def test_a_batch_file_is_quarantined_saying_what_it_is(
    sandbox: SandboxServer, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    one = (TESTDATA / "shimadzu_labsolutions_ascii" / "testdata" / "B17_std2.txt").read_bytes()
    export = drop / "batch.txt"
    export.write_bytes(one + b"\n" + one)

    outcome = make_pipeline().ingest(describe_path(export), root=drop)

    assert outcome.kind == "failed"
    assert "is a batch file with 2 injections" in outcome.message
    assert "export each data file of the batch on its own" in str(
        error_report(tmp_path, "batch.txt")["reason"]
    )
