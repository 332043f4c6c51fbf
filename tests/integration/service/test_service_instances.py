"""One instance per ledger, with the real CLI against a sandbox that keeps its state in a file (``--state``):
a second ``watch`` on the same folder refuses to start and names the first; a killed holder does not
block the next start; ``run`` from two working directories uses the same default ledger."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration.service.conftest import TENANT, posix_signals
from integration.service.service_rig import (
    SCHEMAS_MAP,
    ServiceRig,
    console_script,
    field_value,
    samples,
    write_lc_export,
)

from ingest.sandbox import SandboxConfig, SandboxServer


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """The sandbox as ``benchling-ingest sandbox --state FILE`` runs it: its records live in a file."""
    config = SandboxConfig.from_tenant_file(
        TENANT, rate_limit=None, state_file=tmp_path / "sandbox" / "state.sqlite"
    )
    with SandboxServer(config) as server:
        yield server


def error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("Error:")]


def test_a_second_watch_on_the_same_folder_refuses_naming_the_first_and_nothing_is_quarantined(
    rig: ServiceRig,
) -> None:
    exports = [
        write_lc_export(rig.inbox, f"two-watches-{n}", samples(1, 2), tag=f"-two{n}") for n in range(6)
    ]
    with rig.start_watch() as first:
        first.wait_watching()
        with rig.start_watch() as second:
            code = second.process.wait(timeout=60)
            log = second.log()
        assert code != 0, log
        [line] = error_lines(log)
        assert log.strip() == line, f"the refusal is one line and nothing else:\n{log}"
        assert f"is using the ledger {rig.ledger_path}: 'watch' (pid {first.process.pid} on host " in line
        assert ", since 20" in line
        assert "Traceback" not in log
        first.wait_settled(len(exports))
        assert first.stop() == 0, first.log()

    rows = rig.rows()
    assert [r.state for r in rows] == ["done"] * len(exports), rig.describe()
    assert not rig.failed.exists() or not any(rig.failed.rglob("*")), "nothing may be quarantined"
    by_sha = rig.runs_by_sha()
    assert sorted(len(runs) for runs in by_sha.values()) == [1] * len(exports)
    for record, (_, n_rows) in zip(sorted(rows, key=lambda r: r.path.name), sorted(exports), strict=True):
        [run] = by_sha[record.sha256]
        assert len(rig.sandbox.store.results(run["id"])) == n_rows


@posix_signals
def test_a_killed_watch_does_not_block_the_next_one(rig: ServiceRig) -> None:
    with rig.start_watch() as first:
        first.wait_watching()
        first.kill()
    assert (rig.home / "ledger.sqlite.lock.json").exists(), "a SIGKILL leaves the holder details behind"
    _, n_rows = write_lc_export(rig.inbox, "after-kill", samples(3), tag="-after-kill")
    with rig.start_watch() as again:
        again.wait_settled(1)
        assert again.stop() == 0, again.log()
    assert "Error:" not in again.log()
    [record] = rig.rows()
    assert record.state == "done" and len(rig.sandbox.store.results(record.run_id)) == n_rows


def test_run_from_two_working_directories_uses_one_default_ledger(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    export, n_rows = write_lc_export(tmp_path / "exports", "from-anywhere", samples(1, 2), tag="-cwd")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
    env.update(
        {
            "BENCHLING_URL": sandbox.base_url,
            "BENCHLING_API_KEY": sandbox.api_key,
            "BENCHLING_RATE_LIMIT": "1000/1",
            "BENCHLING_INGEST_MAP": str(SCHEMAS_MAP),
        }
    )
    first_dir, second_dir = tmp_path / "desk", tmp_path / "elsewhere" / "deeper"
    first_dir.mkdir()
    second_dir.mkdir(parents=True)

    def run(cwd: Path, file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(console_script()), "run", file],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    first = run(first_dir, str(export))
    second = run(second_dir, os.path.relpath(export, second_dir))

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert "1 done" in first.stdout and "1 already_done" in second.stdout, second.stdout
    [run_doc] = sandbox.store.runs()
    assert len(sandbox.store.results(run_doc["id"])) == n_rows
    assert field_value(run_doc, "file_sha256") is not None
    ledger = Path(os.environ["XDG_DATA_HOME"]) / "benchling-ingest" / "ledger.sqlite"
    assert ledger.is_file(), "the default ledger lives in the per-user data folder"
    assert not (first_dir / ".benchling-ingest").exists() and not (second_dir / ".benchling-ingest").exists()
