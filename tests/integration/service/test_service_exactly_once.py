"""Exactly-once where Benchling is the authority on what exists, with the real CLI: a lost ledger, a
second working directory, a file that changes while it is ingested. The sandbox keeps its state in a
file (``--state``) and is restarted on another port where a real tenant would be reached again; the
verdict comes from the Benchling API (runs listed by schema, their results listed by run)."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration.service.conftest import sandbox_config
from integration.service.service_rig import ServiceRig, console_script

from ingest.benchling import ApiKey, BenchlingClient
from ingest.sandbox import FaultSpec, SandboxServer
from tests.support.corpus import GoodExport, write_export

RUN_SCHEMA = "assaysch_chromrun01"
RESULT_SCHEMA = "assaysch_chromres01"


def held(server: SandboxServer) -> dict[str, list[int]]:
    """File sha256 -> the number of results of each run Benchling holds for it (asked through the API)."""
    with BenchlingClient(server.base_url, ApiKey(server.api_key)) as client:
        runs: dict[str, list[int]] = {}
        for run in client.list_runs(RUN_SCHEMA):
            results = list(client.list_results(schema_id=RESULT_SCHEMA, assay_run_ids=[run.id]))
            runs.setdefault(str(run.fields["file_sha256"]["value"]), []).append(len(results))
        return runs


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "benchling-state.sqlite"


@pytest.fixture
def stateful(state_file: Path) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config().with_changes(state_file=state_file)) as server:
        yield server


def forget_ledger(rig: ServiceRig) -> None:
    shutil.rmtree(rig.home)


def test_a_lost_ledger_then_the_archive_reprocessed_and_dropped_again_makes_no_new_run(
    stateful: SandboxServer, state_file: Path, tmp_path: Path
) -> None:
    rig = ServiceRig(stateful, tmp_path / "site")
    exports = [write_export(rig.inbox, i, results=8 + i) for i in range(6)]
    with rig.start_watch() as watch:
        watch.wait_settled(len(exports), timeout=60)
        assert watch.stop() == 0
    first = held(stateful)
    assert first == {e.sha256: [e.results] for e in exports}
    stateful.stop()  # the tenant, reached again later (at whatever port is free now)
    forget_ledger(rig)
    with SandboxServer(sandbox_config().with_changes(state_file=state_file)) as again:
        rig.sandbox = again
        reprocessed = rig.run_cli("reprocess", rig.archive, "--ledger", rig.ledger_path, timeout=120)
        assert reprocessed.returncode == 0, reprocessed.stdout + reprocessed.stderr
        assert f"{len(exports)} adopted" in reprocessed.stdout, reprocessed.stdout
        forget_ledger(rig)
        for path in [p for p in rig.archive.rglob("*") if p.is_file()]:
            shutil.move(path, rig.inbox / path.name)
        with rig.start_watch() as watch:
            watch.wait_settled(len(exports), timeout=60)
            assert watch.stop() == 0
        assert {r.state for r in rig.rows()} == {"done"}
        assert again.request_log.count(method="POST", path="/api/v2/assay-runs") == 0
        assert again.request_log.count(method="POST", path="/api/v2/blobs") == 0
        assert held(again) == first, "no second run, no result added"


def test_run_from_two_working_directories_with_two_ledgers_makes_one_run(
    stateful: SandboxServer, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "exports", 1, results=9)
    outcomes = []
    for name in ("bench-a", "bench-b"):
        rig = ServiceRig(stateful, tmp_path / name)
        env = {**rig.env(), "BENCHLING_INGEST_HOME": str(rig.base / ".benchling-ingest")}
        env.pop("BENCHLING_INGEST_LEDGER", None)
        done = subprocess.run(
            [str(console_script()), "run", str(export.csv)],
            env=env,
            cwd=rig.base,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert (rig.base / ".benchling-ingest" / "ledger.sqlite").is_file(), "each directory its own ledger"
        outcomes.append(done.stdout)
    assert "1 done" in outcomes[0] and "1 adopted" in outcomes[1], outcomes
    assert held(stateful) == {export.sha256: [export.results]}


def append_peak(path: Path) -> None:
    """One more peak of the last injection, written as an instrument still writing the file adds it
    (open, append, close)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    last = rows[-1]
    peak = str(int(last[7]) + 1)
    with path.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerow([*last[:7], peak, f"late peak {peak}", "9.9", *last[10:]])


def archived_shas(rig: ServiceRig) -> list[str]:
    return [sha256_of(p) for p in rig.archive.rglob("*.csv") if not p.name.endswith("_trace.csv")]


def test_a_file_appended_to_while_its_blobs_upload_is_ingested_in_its_final_form(
    stateful: SandboxServer, tmp_path: Path
) -> None:
    rig = ServiceRig(stateful, tmp_path / "site")
    stateful.set_faults(FaultSpec.parse("POST /blobs*: latency=1.0"))
    with rig.start_watch() as watch:
        export = write_export(rig.inbox, 1, results=7)
        watch.wait_for(lambda: any(r.state == "planned" for r in rig.rows()), "the file to be planned")
        append_peak(export.csv)  # after it was hashed, while its blobs go up
        final = sha256_of(export.csv)
        watch.wait_for(
            lambda: any(r.state == "done" and r.sha256 == final for r in rig.rows()) and rig.all_settled(2),
            "the final version to be ingested and filed",
            timeout=60,
        )
        assert watch.stop() == 0
    states = {r.sha256: r.state for r in rig.rows()}
    assert states == {export.sha256: "changed", final: "done"}
    assert held(stateful) == {final: [export.results + 1]}, "Benchling holds the final content only"
    assert archived_shas(rig) == [final]


def test_a_writer_pausing_longer_than_the_settle_window_gets_a_second_version(
    stateful: SandboxServer, tmp_path: Path
) -> None:
    """The pause looks like a finished file: the first part is ingested. The rest arrives while its
    results are still being sent: the first version is not archived, the whole file is a second one."""
    rig = ServiceRig(stateful, tmp_path / "site")
    stateful.set_faults(FaultSpec.parse("POST /assay-results*: latency=2.0"))
    with rig.start_watch() as watch:
        export: GoodExport = write_export(rig.inbox, 2, results=6)
        watch.wait_for(lambda: bool(held(stateful)), "the first part's run", timeout=60)
        append_peak(export.csv)
        append_peak(export.csv)
        final = sha256_of(export.csv)
        watch.wait_for(
            lambda: any(r.state == "done" and r.sha256 == final for r in rig.rows()) and rig.all_settled(2),
            "the whole file to be ingested and filed",
            timeout=60,
        )
        assert watch.stop() == 0
    first = next(r for r in rig.rows() if r.sha256 == export.sha256)
    assert first.state == "done" and first.final_path is None, "the first version is not archived"
    assert (first.last_error or {}).get("stage") == "archive"
    assert held(stateful) == {export.sha256: [export.results], final: [export.results + 2]}
    assert archived_shas(rig) == [final], "the archive holds only what was ingested"
    assert not list(rig.inbox.glob("*.csv")), "nothing is left behind"
