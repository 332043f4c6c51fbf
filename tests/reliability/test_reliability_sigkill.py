"""SIGKILL chaos: ``benchling-ingest reprocess`` over 200 files, killed without warning at random points
and restarted until it finishes. The sandbox runs in this process, so it outlives every killed client.
Afterwards every file is exactly one run with all its results, and every ledger row is done."""

from __future__ import annotations

import random
import sqlite3
import subprocess
from pathlib import Path

import pytest
from reliability.harness import CLI, assert_each_once, cli_environment, sandbox_config

from ingest.sandbox import SandboxServer
from tests.support.corpus import write_corpus

FILES = 200
KILLS_PER_TRIAL = 3
FINISH_TIMEOUT = 240.0


def run_until_done(
    folder: Path, home: Path, map_path: Path, server: SandboxServer, rng: random.Random
) -> int:
    """Start reprocess, SIGKILL it after a random delay (``KILLS_PER_TRIAL`` times), then let it finish.

    Returns how many times the process really was killed (it may finish before a kill lands).
    """
    env = cli_environment(server, home, map_path)
    command = [str(CLI), "reprocess", str(folder), "--batch", str(rng.choice([5, 25, 50]))]
    killed = 0
    for _ in range(KILLS_PER_TRIAL):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            process.wait(timeout=rng.uniform(2.0, 9.0))
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to clean up
            process.wait(timeout=30)
            killed += 1
        assert process.stderr is not None
        process.stderr.close()
    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=FINISH_TIMEOUT)
    assert final.returncode == 0, f"the last run did not finish cleanly:\n{final.stderr[-3000:]}"
    return killed


def ledger_states(ledger: Path) -> dict[str, int]:
    with sqlite3.connect(ledger) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM files GROUP BY state").fetchall())


def one_trial(tmp_path: Path, map_path: Path, seed: int) -> int:
    rng = random.Random(seed)
    folder = tmp_path / f"trial{seed}" / "archive"
    exports = write_corpus(folder, FILES, seed=seed)
    before = sorted(p.name for p in folder.iterdir())
    home = tmp_path / f"trial{seed}" / "state"
    with SandboxServer(sandbox_config()) as server:
        killed = run_until_done(folder, home, map_path, server, rng)
        assert_each_once(server, exports)
    assert ledger_states(home / "ledger.sqlite") == {"done": FILES}
    assert sorted(p.name for p in folder.iterdir()) == before, "reprocess must leave the files in place"
    return killed


@pytest.mark.parametrize("seed", range(3))
def test_sigkilled_reprocess_finishes_each_file_exactly_once(
    tmp_path: Path, map_without_png: Path, seed: int
) -> None:
    assert one_trial(tmp_path, map_without_png, seed) >= 1, "no kill landed; the trial tested nothing"


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 120))
def test_twenty_sigkill_trials(tmp_path: Path, map_without_png: Path, seed: int) -> None:
    # One test case per trial, so each stays within the per-test timeout and reports on its own.
    assert one_trial(tmp_path, map_without_png, seed) >= 1, "no kill landed; the trial tested nothing"
