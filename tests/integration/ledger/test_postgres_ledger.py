"""The PostgreSQL ledger with a real server and several "processes" (ledger objects, each with its own
pool and instance id, and real subprocesses where one must die): claims, leases, expiry, fenced
writes, the discovery race, which rows a host may take over, migrations under a lock, passwords kept
out of messages, and a server that goes away and comes back."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from ingest.errors import LeaseLostError, LedgerUnavailableError
from ingest.ledger.postgres import PostgresLedger
from ingest.ledger.postgres_schema import POSTGRES_MIGRATIONS
from ingest.models import SourceFile
from tests.support.plans import sample_plan
from tests.support.postgres import Open, PostgresServer, free_port


def source(path: str = "/drop/a.csv", sha: str = "aa", size: int = 10, mtime: int = 1) -> SourceFile:
    return SourceFile(path=Path(path), sha256=sha, size=size, mtime_ns=mtime, members=(Path(path),))


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def expire_leases(dsn: str) -> None:
    """As if every lease's time had passed (the holder stopped renewing)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE files SET lease_until = clock_timestamp() - interval '1 second'")


def test_a_row_claimed_by_one_process_is_not_given_to_another(open_ledger: Open) -> None:
    a, b = open_ledger(host_id="host-a"), open_ledger(host_id="host-b")
    row = a.record_discovered(source(), root=Path("/share"))
    assert a.claim(row.id) is not None
    assert b.claim(row.id) is None
    assert b.claim_due(roots=[Path("/share")]) == []
    a.release(row.id)
    assert [r.id for r in b.claim_due(roots=[Path("/share")])] == [row.id]


def test_an_expired_lease_is_taken_over_and_the_old_holders_writes_are_refused(
    open_ledger: Open, postgres_dsn: str
) -> None:
    a, b = open_ledger(host_id="host-a"), open_ledger(host_id="host-b")
    row = a.record_discovered(source(), root=Path("/share"))
    assert a.claim(row.id) is not None
    a.mark_planned(row.id, sample_plan(run_id="r1"))
    expire_leases(postgres_dsn)  # host-a stopped renewing (paused, cut off)
    taken = b.claim(row.id)
    assert taken is not None and taken.state == "planned"
    with pytest.raises(LeaseLostError, match=f"no longer claimed by this worker.*{b.owner}"):
        a.mark_blobs_uploaded(row.id)
    with pytest.raises(LeaseLostError):
        a.record_blob(row.id, "export", "blob-from-a")
    assert b.get(row.id).blob_ids == {}
    b.record_blob(row.id, "export", "blob-from-b")
    assert b.mark_blobs_uploaded(row.id).state == "blobs_uploaded"
    # Even after b lets the row go, a (which still believes it holds it) may not write.
    b.release(row.id)
    with pytest.raises(LeaseLostError):
        a.mark_run_created(row.id)
    assert b.get(row.id).state == "blobs_uploaded"


def test_a_process_that_never_claimed_may_not_write_a_row_another_holds(open_ledger: Open) -> None:
    a, b = open_ledger(host_id="host-a"), open_ledger(host_id="host-b")
    row = a.record_discovered(source())
    assert b.claim(row.id) is not None
    with pytest.raises(LeaseLostError, match=f"being worked on by {b.owner}"):
        a.mark_failed(row.id, {"message": "no"})
    b.release(row.id)
    assert a.mark_failed(row.id, {"message": "now allowed"}).state == "failed"


def test_a_live_holder_keeps_renewing_its_lease(open_ledger: Open) -> None:
    a, b = open_ledger(host_id="host-a", lease_seconds=0.6), open_ledger(host_id="host-b")
    row = a.record_discovered(source())
    assert a.claim(row.id) is not None
    deadline = time.monotonic() + 2.5  # four lease lengths
    while time.monotonic() < deadline:
        assert b.claim(row.id) is None
        time.sleep(0.1)
    a.mark_planned(row.id, sample_plan(run_id="r1"))


def test_a_killed_process_s_claims_run_out_and_another_finishes_them(
    open_ledger: Open, postgres_dsn: str
) -> None:
    b = open_ledger(host_id="host-b")
    row = b.record_discovered(source(), root=Path("/share"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from ingest.ledger.postgres import PostgresLedger\n"
            "ledger = PostgresLedger(sys.argv[1], host_id='host-a', lease_seconds=1.0)\n"
            "assert ledger.claim(int(sys.argv[2])) is not None\n"
            "print('claimed', flush=True)\n"
            "time.sleep(600)\n",
            postgres_dsn,
            str(row.id),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "claimed"
        assert b.claim(row.id) is None
        holder.kill()  # SIGKILL: no release, no stop; its heartbeat simply ends
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()
    wait_until(
        lambda: bool(b.claim_due(roots=[Path("/share")])), timeout=15, what="the dead lease to run out"
    )
    assert b.claim(row.id) is not None
    assert b.mark_planned(row.id, sample_plan(run_id="r1")).state == "planned"


def test_two_hosts_finding_one_new_file_at_once_get_one_row(open_ledger: Open) -> None:
    ledgers = [open_ledger(host_id=f"host-{n}") for n in range(4)]
    start = threading.Barrier(len(ledgers))
    ids: list[int] = []

    def discover(ledger: PostgresLedger) -> None:
        start.wait()
        ids.append(ledger.record_discovered(source("/share/new.csv"), root=Path("/share")).id)

    threads = [threading.Thread(target=discover, args=(ledger,)) for ledger in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1 and len(ids) == 4
    claims = [ledger.claim(ids[0]) for ledger in ledgers]
    assert sum(c is not None for c in claims) == 1
    assert ledgers[0].counts()["discovered"] == 1


def test_hosts_claiming_at_once_share_the_rows_without_overlap(open_ledger: Open) -> None:
    ledgers = [open_ledger(host_id=f"host-{n}") for n in range(3)]
    rows = [
        ledgers[0].record_discovered(source(f"/share/{n}.csv", sha=str(n)), root=Path("/share"))
        for n in range(60)
    ]
    start = threading.Barrier(len(ledgers))
    claimed: dict[int, list[int]] = {n: [] for n in range(len(ledgers))}

    def take(n: int) -> None:
        start.wait()
        while batch := ledgers[n].claim_due(limit=4, roots=[Path("/share")]):
            claimed[n].extend(r.id for r in batch)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(len(ledgers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in claimed.values() for i in ids]
    assert sorted(every) == [r.id for r in rows], "each row claimed exactly once"


def test_which_rows_a_host_may_take(open_ledger: Open) -> None:
    """Rows under a folder it watches (a share), its own, and those of a stopped process of its host;
    never another host's private folder, nor rows a live process of its own host is working through."""
    finder = open_ledger(host_id="host-a")
    finder.register_instance("watch", [Path("/a-only")])
    private = finder.record_discovered(source("/a-only/x.csv", sha="1"), root=Path("/a-only"))
    shared = finder.record_discovered(source("/share/y.csv", sha="2"), root=Path("/share"))
    other_host = open_ledger(host_id="host-b")
    assert [r.id for r in other_host.claim_due(roots=[Path("/share")])] == [shared.id]
    other_host.release(shared.id)
    same_host = open_ledger(host_id="host-a")
    assert same_host.claim_due(roots=[Path("/elsewhere")]) == []  # the finder is alive
    finder.close()
    assert [r.id for r in same_host.claim_due()] == [private.id, shared.id]
    assert other_host.claim_due(roots=[Path("/b-only")]) == []


def test_processes_opening_a_new_database_at_once_migrate_it_once(postgres_dsn: str) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []
    opened: list[PostgresLedger] = []

    def open_it() -> None:
        start.wait()
        try:
            opened.append(PostgresLedger(postgres_dsn))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ledger in opened:
        ledger.close()
    assert errors == []
    with psycopg.connect(postgres_dsn) as conn:
        applied = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    # Each version once, all of them: four openers at once migrated the database once.
    assert [v for (v,) in applied] == [m.version for m in POSTGRES_MIGRATIONS]


def test_a_password_never_appears_in_errors_or_reprs(postgres_dsn: str) -> None:
    secret = "s3cret-Pa55"
    dsn = f"postgresql://ingest:{secret}@127.0.0.1:{free_port()}/ledger?connect_timeout=1"
    with pytest.raises(LedgerUnavailableError) as caught:
        PostgresLedger(dsn, connect_timeout=1.0)
    assert secret not in caught.value.message and secret not in str(caught.value.to_dict())
    assert "postgresql://ingest:***@127.0.0.1" in caught.value.message
    ledger = PostgresLedger(postgres_dsn.replace("postgres@", f"postgres:{secret}@"))  # trust auth
    try:
        assert secret not in repr(ledger) and "***" in repr(ledger)
    finally:
        ledger.close()


def test_a_server_that_goes_away_is_retryable_and_its_return_is_noticed(
    postgres_server: PostgresServer, postgres_dsn: str
) -> None:
    ledger = PostgresLedger(postgres_dsn, connect_timeout=2.0)
    try:
        row = ledger.record_discovered(source())
        postgres_server.kill()
        with pytest.raises(LedgerUnavailableError) as caught:
            ledger.get(row.id)
        assert caught.value.retryable
        postgres_server.start()
        wait_until(lambda: _reachable(ledger, row.id), timeout=30, what="the ledger to be usable again")
        assert ledger.mark_failed(row.id, {"message": "after the restart"}).state == "failed"
    finally:
        ledger.close()


def _reachable(ledger: PostgresLedger, file_id: int) -> bool:
    try:
        ledger.get(file_id)
    except LedgerUnavailableError:
        return False
    return True
