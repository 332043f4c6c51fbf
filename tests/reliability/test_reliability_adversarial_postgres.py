"""Operators' mistakes and crashes against one PostgreSQL ledger shared by hosts, with real processes:

- two hosts (``BENCHLING_INGEST_HOST_ID``) ``reprocess`` the same folder at once (each host's lock sees
  only its own processes), one SIGKILLed at a seeded random moment; the other finishes, and the killed
  host's claims run out and are finished by whoever comes next;
- a ``watch`` SIGKILLed at random moments and restarted on the same host, PostgreSQL SIGKILLed and
  restarted in between;
- the ledger variable swapped to an empty database (a lost or mistyped ledger) halfway through.

Invariant as in ``test_reliability_adversarial``: every export one run with all its results, nothing
lost, no ``done`` row without its run and results. ``ADVERSARY_SEED`` moves every seed.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
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
    wait_until,
    watch_args,
)

from ingest.ledger import TERMINAL
from ingest.sandbox import FaultSpec
from tests.support.corpus import TRACE_SUFFIX, GoodExport, write_corpus, write_export
from tests.support.postgres import PostgresServer

BASE_SEED = int(os.environ.get("ADVERSARY_SEED", "7100"))
LEASE = "4"


def trials(quick: int, slow: int) -> list[object]:
    return [t if t < quick else pytest.param(t, marks=pytest.mark.slow) for t in range(slow)]


def pg_rows(dsn: str) -> list[dict[str, Any]]:
    """Every row of the ledger in ``dsn`` (none before a process made its tables)."""
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        try:
            rows = conn.execute("SELECT * FROM files ORDER BY id").fetchall()
        except psycopg.errors.UndefinedTable:
            return []
    for row in rows:  # the invariant reads result_ids as JSON text, as SQLite stores it
        if not isinstance(row["result_ids"], str):
            row["result_ids"] = json.dumps(row["result_ids"])
    return rows


def exports_with_large(folder: Path, count: int, seed: int, large: int = 2) -> list[GoodExport]:
    exports = write_corpus(folder, count, seed=seed)
    rng = random.Random(seed)
    return exports + [
        write_export(folder, count + i, seed=seed, results=rng.randint(120, 220)) for i in range(large)
    ]


@pytest.mark.parametrize("trial", trials(1, 8))
def test_two_hosts_reprocess_one_folder_at_once_and_one_is_killed(
    tmp_path: Path, map_without_png: Path, postgres_dsn: str, trial: int
) -> None:
    seed = BASE_SEED + 400 + trial
    rng = random.Random(seed)
    folder = tmp_path / "share"
    exports = exports_with_large(folder, 30, seed)
    before = sorted(p.name for p in files_under(folder))
    faults = FaultSpec.parse("POST /result-transactions*: latency=0.05")
    sandbox = Restartable(tmp_path / "sandbox.sqlite", {"faults": faults})
    server = sandbox.start()
    try:

        def host_env(host: str) -> dict[str, str]:
            return env_for(
                server,
                tmp_path / host,
                map_without_png,
                BENCHLING_INGEST_LEDGER=postgres_dsn,
                BENCHLING_INGEST_HOST_ID=host,
                BENCHLING_INGEST_LEASE_SECONDS=LEASE,
            )

        batch = str(rng.choice([1, 5, 25]))
        args = ["reprocess", str(folder), "--batch", batch]
        a = Proc(args, host_env("host-a"), tmp_path / "a.log").start()
        b = Proc(args, host_env("host-b"), tmp_path / "b.log").start()
        killed = kill_at_random(b, rng, 1.0, 6.0)
        assert a.wait(300) == 0, a.tail()
        # Whatever b held is finished by the next reprocess, from either host, once its lease ran out.
        host = rng.choice(["host-a", "host-b"])
        wait_until(
            lambda: (
                run_to_end(args, host_env(host), tmp_path / "c.log") == 0
                and all(r["state"] in TERMINAL for r in pg_rows(postgres_dsn))
            ),
            timeout=120,
            what="every row finished",
            context=lambda: (tmp_path / "c.log").read_text()[-3000:],
        )
        note = f"seed {seed}, batch {batch}, b killed: {killed}"
        assert_each_once(server, exports)
        rows = pg_rows(postgres_dsn)
        assert {r["state"] for r in rows} == {"done"}, f"{note}: {[(r['path'], r['state']) for r in rows]}"
        assert_done_rows_are_whole(server, rows)
        assert sorted(p.name for p in files_under(folder)) == before, "reprocess must leave files in place"
    finally:
        sandbox.stop()


@pytest.mark.parametrize("trial", trials(1, 6))
def test_watch_on_postgres_killed_at_random_with_postgres_and_the_ledger_variable_failing(
    tmp_path: Path, map_without_png: Path, postgres_server: PostgresServer, postgres_dsn: str, trial: int
) -> None:
    seed = BASE_SEED + 500 + trial
    rng = random.Random(seed)
    inbox, archive, failed, home = (tmp_path / n for n in ("inbox", "archive", "failed", "home"))
    exports = exports_with_large(inbox, 16, seed)
    inputs = inputs_of(exports)
    sandbox = Restartable(tmp_path / "sandbox.sqlite")
    server = sandbox.start()
    dsn = postgres_dsn
    procs: list[Proc] = []

    def start() -> Proc:
        env = env_for(
            server,
            home,
            map_without_png,
            BENCHLING_INGEST_LEDGER=dsn,
            BENCHLING_INGEST_HOST_ID="host-a",
            BENCHLING_INGEST_LEASE_SECONDS=LEASE,
        )
        procs.append(Proc(watch_args([inbox], archive, failed), env, tmp_path / "watch.log").start())
        return procs[-1]

    def busy() -> Callable[[], bool]:
        runs = len(server.store.runs())
        return lambda: len(server.store.runs()) > runs or not files_under(inbox)

    try:
        kill_once_busy(start(), busy(), rng, 0.0, 2.0)
        proc = start()
        if rng.random() < 0.5:
            kill_once_busy(proc, busy(), rng, 0.0, 2.0)
            postgres_server.kill()
            postgres_server.start()
            proc = start()
        else:
            postgres_server.kill()  # under the running watch
            postgres_server.start()
        kill_once_busy(proc, busy(), rng, 0.0, 2.0)
        late = write_corpus(inbox, 4, seed=seed, start=900)
        exports += late
        inputs.update(inputs_of(late))
        dsn = postgres_server.create_database("swapped")  # the ledger variable now names another database
        proc = start()
        wait_until(
            lambda: (
                not [p for p in files_under(inbox) if not p.name.endswith(TRACE_SUFFIX)]
                and all(r["state"] in TERMINAL for r in pg_rows(dsn))
            ),
            timeout=240,
            what="the drop folder empty and every row finished",
            context=proc.tail,
        )
        assert proc.stop() == 0, proc.tail()
        note = f"seed {seed}"
        reasons = assert_quarantined_with_reasons(failed)
        assert not reasons, f"{note}: good files quarantined: {reasons}"
        assert_each_once(server, exports)
        assert_done_rows_are_whole(server, pg_rows(postgres_dsn))
        assert_done_rows_are_whole(server, pg_rows(dsn))
        assert_nothing_lost(inputs, [archive, failed], [inbox], note=note)
    finally:
        for p in procs:
            if p.alive():
                p.kill()
        sandbox.stop()


@pytest.mark.parametrize("trial", trials(0, 6))
def test_two_hosts_watching_one_share_killed_at_random_make_one_run_per_file(
    tmp_path: Path, map_without_png: Path, postgres_dsn: str, trial: int
) -> None:
    """Two hosts watch one share; at seeded random moments one of them (chosen at random) is SIGKILLed
    and started again. Its claims run out and the other host takes its files over."""
    seed = BASE_SEED + 800 + trial
    rng = random.Random(seed)
    share = tmp_path / "share"
    exports = exports_with_large(share, 24, seed)
    inputs = inputs_of(exports)
    sandbox = Restartable(tmp_path / "sandbox.sqlite", {"faults": FaultSpec.parse("*: latency=0.02")})
    server = sandbox.start()
    hosts = {"host-a": tmp_path / "a", "host-b": tmp_path / "b"}
    procs: dict[str, Proc] = {}

    def start(host: str) -> Proc:
        base = hosts[host]
        env = env_for(
            server,
            base / "home",
            map_without_png,
            BENCHLING_INGEST_LEDGER=postgres_dsn,
            BENCHLING_INGEST_HOST_ID=host,
            BENCHLING_INGEST_LEASE_SECONDS=LEASE,
        )
        procs[host] = Proc(
            watch_args([share], base / "archive", base / "failed"), env, base / "watch.log"
        ).start()
        return procs[host]

    def context() -> str:
        return "\n".join(p.tail(2500) for p in procs.values())

    try:
        for host in hosts:
            start(host)
        kills = 0
        for _ in range(3):
            victim = rng.choice(sorted(hosts))
            runs = len(server.store.runs())
            busy = lambda n=runs: len(server.store.runs()) > n or not files_under(share)  # noqa: E731
            kills += kill_once_busy(procs[victim], busy, rng, 0.0, 2.0)
            start(victim)
        wait_until(
            lambda: not files_under(share) and all(r["state"] in TERMINAL for r in pg_rows(postgres_dsn)),
            timeout=240,
            what="the share empty and every row finished",
            context=context,
        )
        wait_until(  # a stop signal before the handlers are installed would end a process with -15
            lambda: all(p.said("Watching ") for p in procs.values()),
            timeout=60,
            what="both watches running",
            context=context,
        )
        for proc in procs.values():
            assert proc.stop() == 0, proc.tail()
        note = f"seed {seed}, {kills} kill(s) landed"
        failed = [hosts[h] / "failed" for h in hosts]
        reasons = [r for f in failed for r in assert_quarantined_with_reasons(f)]
        assert not reasons, f"{note}: good files quarantined: {reasons}"
        assert_each_once(server, exports)
        rows = pg_rows(postgres_dsn)
        assert {r["state"] for r in rows} == {"done"}, f"{note}: {[(r['path'], r['state']) for r in rows]}"
        assert_done_rows_are_whole(server, rows)
        assert_nothing_lost(inputs, [hosts[h] / "archive" for h in hosts], note=note)
    finally:
        for proc in procs.values():
            if proc.alive():
                proc.kill()
        sandbox.stop()


@pytest.mark.parametrize("trial", trials(0, 4))
def test_reprocess_survives_postgres_and_the_sandbox_restarting_under_it(
    tmp_path: Path, map_without_png: Path, postgres_server: PostgresServer, postgres_dsn: str, trial: int
) -> None:
    """PostgreSQL SIGKILLed and the sandbox restarted from its state while a ``reprocess`` works; the
    command may stop, and running it again (as an operator would) finishes every file exactly once."""
    seed = BASE_SEED + 900 + trial
    rng = random.Random(seed)
    folder = tmp_path / "archive"
    exports = exports_with_large(folder, 24, seed)
    faults = FaultSpec.parse("POST /result-transactions*: latency=0.05")
    sandbox = Restartable(tmp_path / "sandbox.sqlite", {"faults": faults})
    server = sandbox.start()

    def env() -> dict[str, str]:
        return env_for(
            server,
            tmp_path / "home",
            map_without_png,
            BENCHLING_INGEST_LEDGER=postgres_dsn,
            BENCHLING_INGEST_LEASE_SECONDS=LEASE,
        )

    try:
        args = ["reprocess", str(folder), "--batch", str(rng.choice([1, 5, 25]))]
        proc = Proc(args, env(), tmp_path / "reprocess.log").start()
        runs = len(server.store.runs())
        deadline = time.monotonic() + 90
        while proc.alive() and len(server.store.runs()) <= runs and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))  # the random moment, not an assertion
        postgres_server.kill()
        server = sandbox.restart(same_port=True)
        time.sleep(rng.uniform(0.5, 3.0))  # the outage lasts a while
        postgres_server.start()
        proc.wait(300)
        finals = 0
        while finals < 5:
            finals += 1
            code = run_to_end(args, env(), tmp_path / "reprocess.log")
            if code == 0 and {r["state"] for r in pg_rows(postgres_dsn)} == {"done"}:
                break
            time.sleep(float(LEASE))  # a claim of the stopped command runs out
        note = f"seed {seed}, {finals} more reprocess run(s)"
        rows = pg_rows(postgres_dsn)
        log = (tmp_path / "reprocess.log").read_text(errors="replace")
        assert {r["state"] for r in rows} == {"done"}, (
            f"{note}: {[(r['path'], r['state']) for r in rows if r['state'] != 'done']}\n{log[-3000:]}"
        )
        assert_each_once(server, exports)
        assert_done_rows_are_whole(server, rows)
    finally:
        if postgres_server.postmaster_pid() is None:
            postgres_server.start()
        sandbox.stop()
