"""``validate`` and ``run`` as a user calls them, against the sandbox over HTTP."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from ingest.cli import cli
from ingest.sandbox import SandboxServer

REPO = Path(__file__).resolve().parents[3]
CAFFEINE = REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std.csv"


def env(sandbox: SandboxServer, tmp_path: Path) -> dict[str, str]:
    return {
        "BENCHLING_URL": sandbox.base_url,
        "BENCHLING_API_KEY": sandbox.api_key,
        "BENCHLING_INGEST_HOME": str(tmp_path / "home"),
        "BENCHLING_INGEST_MAP": str(REPO / "schemas_map.yaml"),
    }


def posts(sandbox: SandboxServer) -> int:
    return sum(1 for e in sandbox.request_log.entries() if e.method == "POST")


def copy_export(tmp_path: Path) -> Path:
    target = tmp_path / "drop" / CAFFEINE.name
    target.parent.mkdir()
    shutil.copy(CAFFEINE, target)
    shutil.copy(CAFFEINE.with_name(CAFFEINE.stem + "_trace.csv"), target.parent)
    return target


def test_validate_prints_the_plan_and_writes_nothing(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(export)], env=env(sandbox, tmp_path))
    assert result.exit_code == 0, result.output
    assert "8 result(s) that would be created" in result.output
    assert "0 with problems" in result.output and "0 writes" in result.output
    assert posts(sandbox) == 0 and sandbox.store.runs() == []


def test_validate_lists_every_mapping_problem(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    broken = (REPO / "schemas_map.yaml").read_text(encoding="utf-8")
    broken = broken.replace("run_status: {value: Complete}", "run_status: {value: Finished}", 1)
    broken = broken.replace("area: {column: area}", "area: {column: peak_name}", 1)
    broken = broken.replace("        injection_time: {metadata: injection_time}\n", "", 1)
    broken = broken.replace(
        "        instrument: {metadata: instrument, default: unknown instrument}\n", "", 1
    )
    map_file = tmp_path / "broken.yaml"
    map_file.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["validate", str(export), "--map", str(map_file)], env=env(sandbox, tmp_path)
    )
    assert result.exit_code == 1
    assert "'Finished' is not an option of the dropdown" in result.output
    assert "column 'peak_name' holds text" in result.output
    assert "required field 'instrument'" in result.output
    assert posts(sandbox) == 0


def test_run_twice_creates_once(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    first = CliRunner().invoke(cli, ["run", str(export)], env=env(sandbox, tmp_path))
    assert first.exit_code == 0, first.output
    assert "1 done" in first.output
    runs, results = len(sandbox.store.runs()), len(sandbox.store.results())
    second = CliRunner().invoke(cli, ["run", str(export)], env=env(sandbox, tmp_path))
    assert second.exit_code == 0, second.output
    assert "already_done" in second.output
    assert (runs, len(sandbox.store.results())) == (1, results)


def test_run_reports_a_bad_file_and_exits_non_zero(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    export.write_text("Sample ID,RT (min),Area\nSMP-001,abc,1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(export)], env=env(sandbox, tmp_path))
    assert result.exit_code == 1
    assert "failed" in result.output and "abc" in result.output
    assert sandbox.store.runs() == []


def test_each_finished_run_force_makes_one_more_generation(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    for attempt in range(3):
        command = ["run", str(export), *(["--force"] if attempt else [])]
        result = CliRunner().invoke(cli, command, env=env(sandbox, tmp_path))
        assert result.exit_code == 0, result.output
        assert "1 done" in result.output
        assert len(sandbox.store.runs()) == attempt + 1


def test_a_key_inside_a_bad_file_is_masked_in_its_report_the_ledger_and_status(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A file's own text reaches its error (the cell that is no number); when that text is the API key
    (pasted into a cell, or into the file's name), the report, the ledger and ``status`` mask it."""
    export = copy_export(tmp_path)
    key = sandbox.api_key
    named = export.with_name(f"{key}.csv")
    export.rename(named)
    named.write_text(f"Sample ID,RT (min),Area\nSMP-001,{key},1\n", encoding="utf-8")
    failed = tmp_path / "failed"
    result = CliRunner().invoke(cli, ["run", str(named), "--failed", str(failed)], env=env(sandbox, tmp_path))
    assert result.exit_code == 1
    reports = list(failed.rglob("*.error.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    assert "[REDACTED]" in report["reason"] and key not in json.dumps([report["reason"], report["details"]])
    assert report["file"] == named.name, "the name is kept: restoring the file needs it"
    ledger = tmp_path / "home" / "ledger.sqlite"
    with sqlite3.connect(ledger) as db:
        (last_error,) = db.execute("SELECT last_error FROM files WHERE state = 'failed'").fetchone()
    assert "[REDACTED]" in last_error and key not in last_error
    status = CliRunner().invoke(cli, ["status", "--json", "--ignore-service"], env=env(sandbox, tmp_path))
    assert "[REDACTED]" in status.output and key not in status.output
