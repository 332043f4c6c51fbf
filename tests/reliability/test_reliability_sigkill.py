"""SIGKILL chaos: ``benchling-ingest reprocess`` over 200 files, killed without warning at random points
and restarted until it finishes; and over large files (every file a result transaction, latency on the
transaction calls), killed while results are appended, while a commit is due, and at random. The sandbox
runs in this process, so it outlives every killed client. Afterwards every file is exactly one run with
all its results, no result is left in an open transaction, and every ledger row is done."""

from __future__ import annotations

import functools
import random
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from reliability.harness import CLI, assert_each_once, cli_environment, kill_when, sandbox_config

from ingest.sandbox import FaultSpec, SandboxServer
from ingest.sandbox.store import linked_run_ids
from tests.support.corpus import write_corpus, write_export

FILES = 200
KILLS_PER_TRIAL = 3
FINISH_TIMEOUT = 240.0


def run_until_done(
    folder: Path, home: Path, map_path: Path, server: SandboxServer, rng: random.Random
) -> int:
    """Start reprocess and SIGKILL it ``KILLS_PER_TRIAL`` times, then let it finish.

    Each kill is aimed by progress, not by wall time (a quiet machine may finish every file before a
    timed kill, a loaded one may still be importing): once a random number of files is done, after a
    further random moment, so it lands anywhere in a file's steps. Returns how many kills landed.
    """
    env = cli_environment(server, home, map_path)
    command = [str(CLI), "reprocess", str(folder), "--batch", str(rng.choice([5, 25, 50]))]
    targets = sorted(rng.sample(range(1, FILES - 20), KILLS_PER_TRIAL))
    killed = 0
    for target in targets:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            reached = functools.partial(progress_reached, home / "ledger.sqlite", target)
            if kill_when(process, reached, FINISH_TIMEOUT, rng.uniform(0, 0.5)):
                killed += 1
        finally:
            assert process.stderr is not None
            process.stderr.close()
    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=FINISH_TIMEOUT)
    assert final.returncode == 0, f"the last run did not finish cleanly:\n{final.stderr[-3000:]}"
    return killed


def progress_reached(ledger: Path, done: int) -> bool:
    """Whether the ledger holds at least ``done`` files as done (False while it does not exist or is busy)."""
    if not ledger.exists():
        return False
    try:
        with closing(sqlite3.connect(f"{ledger.as_uri()}?mode=ro", uri=True, timeout=1)) as db:
            return int(db.execute("SELECT COUNT(*) FROM files WHERE state = 'done'").fetchone()[0]) >= done
    except sqlite3.Error:
        return False


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


# -- kills inside result transactions ---------------------------------------------------------------------

#: Files of more than 100 results each: every file's results go through a result transaction.
LARGE_FILES = 8
#: Each transaction call waits this long in the sandbox, so the process spends most of its time inside
#: transactions and a kill lands there.
TRANSACTION_LATENCY = "POST /result-transactions*: latency=0.1"


def transactions_in_progress(server: SandboxServer, expected: dict[str, int]) -> list[tuple[int, int]]:
    """(results appended, results the file has) of every OPEN transaction holding results."""
    open_ids = {t["id"] for t in server.store.transactions() if t["status"] == "OPEN"}
    appended: Counter[str] = Counter()
    file_of: dict[str, int] = {}
    runs = {r["id"]: str(r["fields"]["file_sha256"]["value"]) for r in server.store.runs()}
    for record in server.store.all("results"):
        transaction = record.get("transactionId")
        if record["committed"] or transaction not in open_ids:
            continue
        appended[transaction] += 1
        for run_id in linked_run_ids(record):
            file_of[transaction] = expected.get(runs.get(run_id, ""), 0)
    return [(n, file_of.get(t, 0)) for t, n in appended.items()]


def unfinished(ledger: Path) -> str:
    with sqlite3.connect(ledger) as db:
        rows = db.execute(
            "SELECT path, state, inflight, transaction_id, last_error FROM files WHERE state != 'done'"
        ).fetchall()
    return "\n".join(" | ".join(str(v) for v in row) for row in rows)


def one_transaction_trial(tmp_path: Path, map_path: Path, seed: int) -> dict[str, int]:
    """Kill ``reprocess --batch 1`` while results are being appended, then while a transaction's commit is
    due, then at a random moment; finish it; every file must be one run with all its results."""
    rng = random.Random(seed)
    folder = tmp_path / f"large{seed}" / "archive"
    exports = [write_export(folder, i, seed=seed, results=rng.randint(110, 260)) for i in range(LARGE_FILES)]
    expected = {e.sha256: e.results for e in exports}
    home = tmp_path / f"large{seed}" / "state"
    config = sandbox_config(faults=FaultSpec.parse(TRANSACTION_LATENCY))
    with SandboxServer(config) as server:
        env = cli_environment(server, home, map_path)
        command = [str(CLI), "reprocess", str(folder), "--batch", "1"]

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        appending = kill_when(
            start(),
            lambda: any(0 < n < total for n, total in transactions_in_progress(server, expected)),
            120,
        )
        committing = kill_when(
            start(),
            lambda: any(0 < n == total for n, total in transactions_in_progress(server, expected)),
            120,
        )
        started = time.monotonic()
        random_kill = kill_when(start(), lambda: time.monotonic() - started > rng.uniform(1.0, 6.0), 120)
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=FINISH_TIMEOUT)
        left_over = unfinished(home / "ledger.sqlite")
        assert final.returncode == 0, f"the last run did not finish:\n{final.stdout[-3000:]}\n{left_over}"
        assert_each_once(server, exports)
        left = [r for r in server.store.all("results") if not r["committed"]]
        assert not left, f"{len(left)} uncommitted result(s) left in open transactions"
        statuses = Counter(t["status"] for t in server.store.transactions())
    assert ledger_states(home / "ledger.sqlite") == {"done": LARGE_FILES}
    assert appending and committing, "a kill inside a transaction did not land; the trial tested less"
    return {
        "kills": int(appending) + int(committing) + int(random_kill),
        "aborted": statuses["ABORTED"],
        "committed": statuses["COMMITTED"],
        "results": sum(expected.values()),
    }


@pytest.mark.parametrize("seed", range(3))
def test_kills_inside_result_transactions_leave_one_complete_run_per_file(
    tmp_path: Path, map_without_png: Path, seed: int
) -> None:
    one_transaction_trial(tmp_path, map_without_png, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 120))
def test_twenty_trials_of_kills_inside_result_transactions(
    tmp_path: Path, map_without_png: Path, seed: int
) -> None:
    figures = one_transaction_trial(tmp_path, map_without_png, seed)
    print(f"trial {seed}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))  # for docs/RELIABILITY.md
