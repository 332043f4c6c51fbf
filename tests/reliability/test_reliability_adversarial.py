"""Operators' mistakes and crashes against one SQLite ledger, with real processes over real HTTP:

- ``watch`` SIGKILLed at seeded random moments, several times a trial, while the sandbox itself is
  restarted from its ``--state`` file on another port (the tenant key is the host, so ids stay);
- ``run FILE`` SIGKILLed at random moments, file after file;
- two ``watch`` on one folder with *different* ledgers (two users' data folders: the lock cannot see it);
- the ledger lost after everything was ingested, then the archive reprocessed and dropped again.

Each ends with the one invariant: every export is exactly one run with all its results, no file is lost,
and no ledger row is ``done`` without its run and results. ``ADVERSARY_SEED`` moves every seed.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from reliability.adversary import (
    Proc,
    Restartable,
    assert_done_rows_are_whole,
    assert_each_once,
    assert_nothing_lost,
    assert_quarantined_with_reasons,
    env_for,
    files_under,
    inputs_of,
    kill_at_random,
    kill_once_busy,
    run_to_end,
    sqlite_rows,
    wait_until,
    watch_args,
)

from ingest.ledger import TERMINAL
from ingest.sandbox import FaultSpec
from tests.support.corpus import TRACE_SUFFIX, GoodExport, write_corpus, write_export

BASE_SEED = int(os.environ.get("ADVERSARY_SEED", "7100"))
QUICK, SLOW_TRIALS = 1, 10


def trials(quick: int = QUICK, slow: int = SLOW_TRIALS) -> list[object]:
    return [t if t < quick else pytest.param(t, marks=pytest.mark.slow) for t in range(slow)]


def drop_exports(folder: Path, count: int, seed: int, start: int = 0, large: int = 0) -> list[GoodExport]:
    """``count`` exports (10-100 results), plus ``large`` ones of 120-220 results (result transactions)."""
    exports = write_corpus(folder, count, seed=seed, start=start)
    rng = random.Random(seed)
    exports += [
        write_export(folder, start + count + i, seed=seed, results=rng.randint(120, 220))
        for i in range(large)
    ]
    return exports


def exports_left(folder: Path) -> list[Path]:
    return [p for p in files_under(folder) if not p.name.endswith(TRACE_SUFFIX)]


# -- watch killed at random, sandbox restarted from its state ---------------------------------------------


@pytest.mark.parametrize("trial", trials())
def test_watch_killed_at_random_with_the_sandbox_restarted_from_its_state(
    tmp_path: Path, map_without_png: Path, trial: int
) -> None:
    seed = BASE_SEED + trial
    rng = random.Random(seed)
    inbox, archive, failed, home = (tmp_path / n for n in ("inbox", "archive", "failed", "home"))
    exports = drop_exports(inbox, 16, seed, large=2)
    inputs = inputs_of(exports)
    faults = FaultSpec.parse("POST /result-transactions*: latency=0.05")
    sandbox = Restartable(tmp_path / "sandbox.sqlite", {"faults": faults})
    server = sandbox.start()
    note = f"seed {seed}"
    kills = 0
    try:
        for round_number in range(3):
            env = env_for(server, home, map_without_png)
            proc = Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start()
            runs = len(server.store.runs())
            busy = lambda s=server, n=runs: len(s.store.runs()) > n or not exports_left(inbox)  # noqa: E731
            kills += kill_once_busy(proc, busy, rng, 0.0, 2.5)
            if round_number == 1:
                late = drop_exports(inbox, 4, seed, start=500)  # more arrive while it is down
                exports += late
                inputs.update(inputs_of(late))
            if rng.random() < 0.6:
                server = sandbox.restart()  # a new port: BENCHLING_URL changes, the tenant key does not
        env = env_for(server, home, map_without_png)
        final = Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start()
        try:
            wait_until(
                lambda: (
                    not exports_left(inbox)
                    and all(r["state"] in TERMINAL for r in sqlite_rows(home / "ledger.sqlite"))
                ),
                timeout=240,
                what="the drop folder empty and every row finished",
                context=final.tail,
            )
            # A stop signal before the handlers are installed would end the process with -15.
            wait_until(
                lambda: final.said("Watching "), timeout=60, what="the watch running", context=final.tail
            )
        finally:
            assert final.stop() == 0, final.tail()
        note += f", {kills} kill(s) landed"
        reasons = assert_quarantined_with_reasons(failed)
        assert not reasons, f"{note}: good files quarantined: {reasons}"
        assert_each_once(server, exports)
        assert_done_rows_are_whole(server, sqlite_rows(home / "ledger.sqlite"))
        assert_nothing_lost(inputs, [archive, failed], note=note)
    finally:
        sandbox.stop()


# -- run FILE killed at random -------------------------------------------------------------------------------


@pytest.mark.parametrize("trial", trials(0, 10))
def test_run_killed_at_random_then_run_again_makes_one_run_per_file(
    tmp_path: Path, map_without_png: Path, trial: int
) -> None:
    seed = BASE_SEED + 100 + trial
    rng = random.Random(seed)
    inbox, archive, failed, home = (tmp_path / n for n in ("inbox", "archive", "failed", "home"))
    exports = drop_exports(inbox, 5, seed, large=2)
    inputs = inputs_of(exports)
    faults = FaultSpec.parse("*: latency=0.02")
    sandbox = Restartable(tmp_path / "sandbox.sqlite", {"faults": faults})
    server = sandbox.start()
    try:
        env = env_for(server, home, map_without_png)
        kills = 0
        for export in exports:
            args = ["run", str(export.csv), "--archive", str(archive), "--failed", str(failed)]
            for _ in range(2):
                if export.csv.exists():
                    proc = Proc(args, env, tmp_path / "run.log", cwd=tmp_path).start()
                    kills += kill_at_random(proc, rng, 0.3, 3.0)
        for export in exports:
            if export.csv.exists():
                args = ["run", str(export.csv), "--archive", str(archive), "--failed", str(failed)]
                assert run_to_end(args, env, tmp_path / "run.log") == 0, (tmp_path / "run.log").read_text()[
                    -3000:
                ]
        note = f"seed {seed}, {kills} kill(s) landed"
        assert kills, f"{note}: no kill landed, the trial tested nothing"
        assert_each_once(server, exports)
        assert_done_rows_are_whole(server, sqlite_rows(home / "ledger.sqlite"))
        assert not assert_quarantined_with_reasons(failed), note
        # An export's trace is uploaded with it and archived beside it.
        assert_nothing_lost(inputs, [archive, failed], [inbox], note)
    finally:
        sandbox.stop()


# -- two watch on one folder, two ledgers --------------------------------------------------------------------


@pytest.mark.parametrize("trial", trials(1, 5))
def test_two_watch_on_one_folder_with_different_ledgers_make_one_run_per_file_and_lose_nothing(
    tmp_path: Path, map_without_png: Path, trial: int
) -> None:
    seed = BASE_SEED + 200 + trial
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sandbox = Restartable(tmp_path / "sandbox.sqlite")
    server = sandbox.start()
    procs: list[Proc] = []
    try:
        for name in ("one", "two"):
            base = tmp_path / name
            env = env_for(server, base / "home", map_without_png)
            procs.append(
                Proc(watch_args([inbox], base / "archive", base / "failed"), env, base / "watch.log").start()
            )
        exports = drop_exports(inbox, 20, seed, large=2)
        inputs = inputs_of(exports)
        context = lambda: "\n".join(p.tail(2500) for p in procs)  # noqa: E731
        wait_until(
            lambda: not files_under(inbox) and len(server.store.runs()) >= len(exports),
            timeout=240,
            what="the drop folder empty and a run per file",
            context=context,
        )
        wait_until(
            lambda: all(
                r["state"] in TERMINAL
                for p in ("one", "two")
                for r in sqlite_rows(tmp_path / p / "home" / "ledger.sqlite")
            ),
            timeout=60,
            what="every row of both ledgers finished",
            context=context,
        )
        for proc in procs:
            assert proc.stop() == 0, proc.tail()
        note = f"seed {seed}"
        assert_each_once(server, exports)
        for name in ("one", "two"):
            assert_done_rows_are_whole(server, sqlite_rows(tmp_path / name / "home" / "ledger.sqlite"))
        keep = [tmp_path / n / f for n in ("one", "two") for f in ("archive", "failed")]
        assert_nothing_lost(inputs, keep, note=note)
        reasons = [
            r for n in ("one", "two") for r in assert_quarantined_with_reasons(tmp_path / n / "failed")
        ]
        assert not reasons, f"{note}: good files quarantined: {reasons}"
    finally:
        for proc in procs:
            if proc.alive():
                proc.kill()
        sandbox.stop()


# -- the ledger lost -----------------------------------------------------------------------------------------


@pytest.mark.slow  # the quick case is tests/integration/service/test_service_exactly_once.py
def test_a_lost_ledger_then_a_killed_reprocess_and_a_re_drop_make_no_new_run(
    tmp_path: Path, map_without_png: Path
) -> None:
    rng = random.Random(BASE_SEED + 300)
    inbox, archive, failed, home = (tmp_path / n for n in ("inbox", "archive", "failed", "home"))
    exports = drop_exports(inbox, 12, BASE_SEED, large=1)
    sandbox = Restartable(tmp_path / "sandbox.sqlite")
    server = sandbox.start()
    try:
        env = env_for(server, home, map_without_png)
        proc = Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start()
        wait_until(
            lambda: not exports_left(inbox) and len(server.store.runs()) == len(exports),
            timeout=180,
            what="everything ingested",
            context=proc.tail,
        )
        assert proc.stop() == 0
        runs_before = sorted(r["id"] for r in server.store.runs())
        shutil.rmtree(home)  # the instrument PC is reimaged
        server = sandbox.restart()
        env = env_for(server, home, map_without_png)
        kill_at_random(Proc(["reprocess", str(archive)], env, tmp_path / "re.log").start(), rng, 0.5, 2.0)
        assert run_to_end(["reprocess", str(archive)], env, tmp_path / "re.log") == 0
        shutil.rmtree(home)
        copies = tmp_path / "copies"
        shutil.copytree(archive, copies)
        for path in files_under(copies):
            path.rename(inbox / path.name)
        proc = Proc(watch_args([inbox], tmp_path / "archive2", failed), env, tmp_path / "watch.log").start()
        wait_until(lambda: not files_under(inbox), timeout=180, what="the re-drop taken", context=proc.tail)
        assert proc.stop() == 0
        assert sorted(r["id"] for r in server.store.runs()) == runs_before
        assert_each_once(server, exports)
        assert not assert_quarantined_with_reasons(failed)
    finally:
        sandbox.stop()


# -- BENCHLING_URL swapped to another tenant -----------------------------------------------------------


@pytest.mark.parametrize("trial", trials(1, 5))
def test_benchling_url_swapped_to_another_tenant_and_back_sends_nothing_of_one_tenant_to_the_other(
    tmp_path: Path, map_without_png: Path, trial: int
) -> None:
    """A watch killed mid-batch, restarted with BENCHLING_URL naming another tenant (the same sandbox
    software on ``localhost``: another tenant key), then with the right one again. Rows planned for the
    first tenant must not be sent to the second; in the end the first holds every file exactly once."""
    seed = BASE_SEED + 700 + trial
    rng = random.Random(seed)
    inbox, archive, failed, home = (tmp_path / n for n in ("inbox", "archive", "failed", "home"))
    exports = drop_exports(inbox, 16, seed, large=2)
    inputs = inputs_of(exports)
    right = Restartable(tmp_path / "right.sqlite", {"faults": FaultSpec.parse("*: latency=0.02")})
    other = Restartable(tmp_path / "other.sqlite")
    server = right.start()
    wrong = other.start()
    try:
        env = env_for(server, home, map_without_png)
        proc = Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start()
        runs = len(server.store.runs())
        kill_once_busy(proc, lambda: len(server.store.runs()) > runs, rng, 0.0, 2.0)
        wrong_env = {**env, "BENCHLING_URL": wrong.base_url.replace("127.0.0.1", "localhost")}
        proc = Proc(watch_args([inbox], archive, failed), wrong_env, tmp_path / "watch.log").start()
        wait_until(lambda: proc.said("Watching "), timeout=60, what="the watch running", context=proc.tail)
        time.sleep(rng.uniform(1.0, 5.0))  # the mistake runs for a while, not an assertion
        assert proc.stop() == 0, proc.tail()
        sent_to_wrong = len(wrong.store.runs())
        proc = Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start()
        wait_until(
            lambda: (
                not exports_left(inbox)
                and all(r["state"] in TERMINAL for r in sqlite_rows(home / "ledger.sqlite"))
            ),
            timeout=240,
            what="the drop folder empty and every row finished",
            context=proc.tail,
        )
        assert proc.stop() == 0, proc.tail()
        note = f"seed {seed}, {sent_to_wrong} run(s) made in the wrong tenant"
        rows = sqlite_rows(home / "ledger.sqlite")
        assert_done_rows_are_whole(server, rows)
        stuck = [
            (Path(str(r["path"])).name, r["state"], r["last_error"]) for r in rows if r["state"] != "done"
        ]
        assert not stuck, f"{note}: {stuck}"
        assert_each_once(server, exports)
        assert_nothing_lost(inputs, [archive, failed], note=note)
    finally:
        right.stop()
        other.stop()
