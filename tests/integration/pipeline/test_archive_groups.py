"""An export and its trace file are archived under names that still pair, end to end over HTTP.

When a name of the group is taken in the day's archive folder (the same export name twice a day, two
instruments or two homes sharing one archive), the group goes to a numbered folder keeping its own
names, so a later ``reprocess --force`` of the archive uploads the export's own chromatogram.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from ingest.cli import cli
from ingest.sandbox import SandboxServer

REPO = Path(__file__).resolve().parents[3]
CAFFEINE = REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std.csv"
TRACE = CAFFEINE.with_name(CAFFEINE.stem + "_trace.csv")


def env(sandbox: SandboxServer, home: Path) -> dict[str, str]:
    return {
        "BENCHLING_URL": sandbox.base_url,
        "BENCHLING_API_KEY": sandbox.api_key,
        "BENCHLING_INGEST_HOME": str(home),
        "BENCHLING_INGEST_MAP": str(REPO / "schemas_map.yaml"),
    }


def drop_taken(drop: Path, *, area: str, trace_signal: str) -> bytes:
    """``taken.csv`` naming ``taken_trace.csv``; ``area`` and ``trace_signal`` make each version its own.
    Returns the trace's bytes."""
    drop.mkdir(exist_ok=True)
    export = CAFFEINE.read_text(encoding="utf-8").replace(CAFFEINE.stem + "_trace.csv", "taken_trace.csv")
    (drop / "taken.csv").write_text(export.replace(",316.3,", f",{area},"), encoding="utf-8")
    lines = TRACE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = f"0.0000,{trace_signal}\n"
    trace = "".join(lines).encode("utf-8")
    (drop / "taken_trace.csv").write_bytes(trace)
    return trace


def final_paths(home: Path) -> dict[str, str]:
    with sqlite3.connect(home / "ledger.sqlite") as db:
        rows = db.execute("SELECT path, final_path, sha256 FROM files WHERE state = 'done'").fetchall()
    return {sha: final for _, final, sha in rows}


def blob_md5s_of_run_results(sandbox: SandboxServer, run_id: str) -> set[str]:
    md5 = {record["doc"]["id"]: record.get("md5") for record in sandbox.store.all("blobs")}
    chromatograms = set()
    for result in sandbox.store.results(run_id):
        chromatograms.add(md5[result["fields"]["chromatogram"]["value"]])
    return chromatograms


def test_a_group_whose_names_are_taken_is_archived_together_and_reprocessed_with_its_own_trace(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    drop, archive = tmp_path / "drop", tmp_path / "archive"
    first_trace = drop_taken(drop, area="316.3", trace_signal="0.546")
    first = CliRunner().invoke(
        cli, ["run", str(drop / "taken.csv"), "--archive", str(archive)], env=env(sandbox, tmp_path / "a")
    )
    assert first.exit_code == 0, first.output
    (first_day,) = [p for p in archive.glob("*/*/*") if p.is_dir()]
    assert sorted(p.name for p in first_day.iterdir()) == ["taken.csv", "taken_trace.csv"]
    # The next run may fall on the next day (a run at midnight): the same names wait there too.
    next_date = dt.date(*(int(part) for part in first_day.relative_to(archive).parts)) + dt.timedelta(days=1)
    next_day = archive / f"{next_date:%Y}" / f"{next_date:%m}" / f"{next_date:%d}"
    shutil.copytree(first_day, next_day)

    # The same names again, other content (another instrument, another home, the same archive).
    second_trace = drop_taken(drop, area="317.9", trace_signal="9.999")
    second_export = hashlib.sha256((drop / "taken.csv").read_bytes()).hexdigest()
    second = CliRunner().invoke(
        cli, ["run", str(drop / "taken.csv"), "--archive", str(archive)], env=env(sandbox, tmp_path / "b")
    )
    assert second.exit_code == 0, second.output
    (group,) = archive.glob("*/*/*/taken (1)")
    day = group.parent
    assert sorted(p.name for p in group.iterdir()) == ["taken.csv", "taken_trace.csv"]
    assert (group / "taken_trace.csv").read_bytes() == second_trace
    assert (day / "taken_trace.csv").read_bytes() == first_trace
    assert final_paths(tmp_path / "b")[second_export] == str(group / "taken.csv")
    assert list(drop.iterdir()) == []

    # A backfill of the archive day with yet another home uploads the export's own chromatogram.
    runs_before = {run["id"] for run in sandbox.store.runs()}
    command = ["reprocess", str(day), "--glob", "taken (1)/taken.csv", "--force"]
    backfill = CliRunner().invoke(cli, command, env=env(sandbox, tmp_path / "c"))
    assert backfill.exit_code == 0, backfill.output
    (new_run,) = [run for run in sandbox.store.runs() if run["id"] not in runs_before]
    assert blob_md5s_of_run_results(sandbox, new_run["id"]) == {hashlib.md5(second_trace).hexdigest()}
