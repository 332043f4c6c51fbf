"""A `reprocess --force` killed half-way and run again, as an operator would after a crash: every file
ends with exactly one more run (its forced generation) holding all its results, never two. The files it
had forced before the kill are reported done, not forced a second time; the ones it had not reached are
forced; a further `--force` after it finished makes one more generation of every file."""

from __future__ import annotations

import functools
import random
import sqlite3
import subprocess
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from reliability.harness import CLI, cli_environment, kill_when, sandbox_config

from ingest.sandbox import SandboxServer
from tests.support.corpus import GoodExport, write_corpus

FILES = 40
TIMEOUT = 240.0


def forced_done(ledger: Path, at_least: int) -> bool:
    if not ledger.exists():
        return False
    try:
        with closing(sqlite3.connect(f"{ledger.as_uri()}?mode=ro", uri=True, timeout=1)) as db:
            query = "SELECT COUNT(*) FROM files WHERE forced = 1 AND state = 'done'"
            return int(db.execute(query).fetchone()[0]) >= at_least
    except sqlite3.Error:
        return False


def runs_per_file(server: SandboxServer, exports: list[GoodExport]) -> dict[str, int]:
    by_sha = Counter(str(r["fields"]["file_sha256"]["value"]) for r in server.store.runs())
    return {e.csv.name: by_sha[e.sha256] for e in exports}


def assert_every_run_complete(server: SandboxServer, exports: list[GoodExport]) -> None:
    wanted = {e.sha256: e.results for e in exports}
    per_run = Counter(
        r["fields"]["run"]["value"] for r in server.store.results() if r["fields"].get("run", {}).get("value")
    )
    short = {
        run["id"]: (per_run[run["id"]], wanted[str(run["fields"]["file_sha256"]["value"])])
        for run in server.store.runs()
        if per_run[run["id"]] != wanted[str(run["fields"]["file_sha256"]["value"])]
    }
    assert not short, f"runs whose results differ from their file's rows (stored, expected): {short}"


def finish(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{' '.join(command[1:])} did not finish cleanly:\n{done.stderr[-3000:]}"
    return done


@pytest.mark.parametrize("seed", range(2))
def test_a_killed_reprocess_force_run_again_forces_each_file_once(
    tmp_path: Path, map_without_png: Path, seed: int
) -> None:
    rng = random.Random(seed)
    folder = tmp_path / "archive"
    exports = write_corpus(folder, FILES, seed=seed)
    home = tmp_path / "state"
    with SandboxServer(sandbox_config()) as server:
        env = cli_environment(server, home, map_without_png)
        plain = [str(CLI), "reprocess", str(folder), "--batch", "5"]
        forced = [*plain, "--force"]
        finish(plain, env)
        assert set(runs_per_file(server, exports).values()) == {1}

        kills = 0
        for target in sorted(rng.sample(range(2, FILES - 10), 2)):
            process = subprocess.Popen(forced, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            reached = functools.partial(forced_done, home / "ledger.sqlite", target)
            kills += kill_when(process, reached, TIMEOUT, rng.uniform(0, 0.3))
        assert kills >= 1, "no kill landed; the trial tested nothing"
        last = finish(forced, env)

        counts = runs_per_file(server, exports)
        assert {name: n for name, n in counts.items() if n != 2} == {}, "a file forced twice, or never"
        assert_every_run_complete(server, exports)
        assert "by an earlier --force that did not finish" in last.stdout + last.stderr

        finish(forced, env)  # the forcing finished: forcing again is a new generation of every file
        assert set(runs_per_file(server, exports).values()) == {3}
        assert_every_run_complete(server, exports)
