"""The ledger interface's contract, run against both backends: SQLite (one machine) and PostgreSQL (a
real server, several hosts). Whatever the pipeline relies on must hold for each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.errors import LedgerError
from ingest.ledger import Ledger, SqliteLedger
from ingest.ledger.postgres import PostgresLedger
from ingest.models import SourceFile
from tests.support.plans import sample_plan


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def source(path: str = "/drop/a.csv", sha: str = "aa", size: int = 10, mtime: int = 1) -> SourceFile:
    return SourceFile(path=Path(path), sha256=sha, size=size, mtime_ns=mtime, members=(Path(path),))


OpenLedger = Callable[..., Ledger]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenLedger]:
    """Opens ledgers on one store (a second call: another process on the same ledger)."""
    opened: list[SqliteLedger | PostgresLedger] = []
    if request.param == "sqlite":
        location = tmp_path / "ledger.sqlite"

        def make(**options: object) -> Ledger:
            ledger = SqliteLedger(location, **options)  # type: ignore[arg-type]  # test options only
            opened.append(ledger)
            return ledger

    else:
        dsn = request.getfixturevalue("postgres_dsn")

        def make(**options: object) -> Ledger:
            ledger = PostgresLedger(dsn, **options)  # type: ignore[arg-type]  # test options only
            opened.append(ledger)
            return ledger

    yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ledger(open_ledger: OpenLedger, clock: FakeClock) -> Ledger:
    return open_ledger(clock=clock)


def test_discovered_twice_is_one_row(ledger: Ledger) -> None:
    first = ledger.record_discovered(source())
    again = ledger.record_discovered(source())
    assert first.id == again.id
    assert ledger.counts()["discovered"] == 1
    assert ledger.is_known(Path("/drop/a.csv"), 10, 1)
    assert not ledger.is_known(Path("/drop/a.csv"), 10, 2)
    assert ledger.record_discovered(source(), forced=True).id != first.id


def test_an_unfinished_forced_version_is_resumed_and_a_finished_one_forced_again(ledger: Ledger) -> None:
    plain = ledger.record_discovered(source())
    ledger.mark_failed(plain.id, {"stage": "parse", "message": "bad"})
    forced = ledger.record_discovered(source(), forced=True)
    assert forced.id != plain.id and forced.forced
    ledger.mark_planned(forced.id, sample_plan(run_id="r1"))
    # The forcing command was killed here; run again (forced or not), it finds the same row.
    assert ledger.record_discovered(source(), forced=True).id == forced.id
    assert ledger.record_discovered(source()).id == forced.id
    ledger.mark_blobs_uploaded(forced.id)
    ledger.mark_run_created(forced.id)
    ledger.mark_done(forced.id, ["x"])
    again = ledger.record_discovered(source(), forced=True)
    assert again.id not in (plain.id, forced.id), "a finished forced version is forced again on request"


def finish(ledger: Ledger, file_id: int) -> None:
    ledger.mark_planned(file_id, sample_plan(run_id=f"r{file_id}"))
    ledger.mark_blobs_uploaded(file_id)
    ledger.mark_run_created(file_id)
    ledger.mark_done(file_id, ["x"])


def test_a_killed_forcing_run_again_forces_nothing_it_had_forced(open_ledger: OpenLedger) -> None:
    """A forcing command killed after forcing a.csv and before b.csv, then run again by the operator:
    a.csv is not forced a second time, b.csv is; once the second finishes, a third forces both again."""
    first_process = open_ledger()
    first = first_process.begin_forcing("reprocess --force /archive")
    a = first_process.record_discovered(source("/archive/a.csv", sha="a"), forced=True, forcing=first)
    assert a.forcing == first.id
    finish(first_process, a.id)
    first_process.close()  # killed: its forcing stays open

    ledger = open_ledger()
    second = ledger.begin_forcing("reprocess --force /archive")
    assert first.id in second.covers
    again = ledger.record_discovered(source("/archive/a.csv", sha="a"), forced=True, forcing=second)
    assert (again.id, again.state) == (a.id, "done"), "forced a second time"
    b = ledger.record_discovered(source("/archive/b.csv", sha="b"), forced=True, forcing=second)
    assert b.forced and b.forcing == second.id
    finish(ledger, b.id)
    assert ledger.record_discovered(source("/archive/a.csv", sha="a")).id == a.id, "an unforced look changed"
    ledger.finish_forcing(second)

    third = ledger.begin_forcing("reprocess --force /archive")
    assert third.covers == {third.id}, "finished forcings are covered no more"
    for path, sha, before in (("/archive/a.csv", "a", a.id), ("/archive/b.csv", "b", b.id)):
        row = ledger.record_discovered(source(path, sha=sha), forced=True, forcing=third)
        assert row.id != before and row.forcing == third.id


def test_a_forcing_is_ignored_by_an_unforced_look(ledger: Ledger) -> None:
    forcing = ledger.begin_forcing("run --force")
    row = ledger.record_discovered(source(), forcing=forcing)
    assert (row.forced, row.forcing) == (False, None)


def test_forward_transitions_keep_every_id_and_event(ledger: Ledger) -> None:
    row = ledger.record_discovered(source(), root=Path("/drop"))
    plan = sample_plan(run_id="r1")
    planned = ledger.mark_planned(row.id, plan, detail="a warning")
    assert (planned.run_id, planned.parser, planned.plan) == ("r1", "lc_results_csv", plan)
    ledger.record_blob(row.id, "export", "blob-1")
    ledger.record_blob(row.id, "trace#1", "blob-2")
    ledger.mark_blobs_uploaded(row.id)
    assert ledger.mark_inflight(row.id, "run").inflight == "run"
    ledger.mark_run_created(row.id)
    ledger.mark_inflight(row.id, "results")
    ledger.record_transaction(row.id, "txn-1")
    done = ledger.mark_done(row.id, ["x", "y"])
    assert (done.state, done.inflight, done.transaction_id) == ("done", None, "txn-1")
    assert done.blob_ids == {"export": "blob-1", "trace#1": "blob-2"}
    assert done.result_ids == ["x", "y"]
    assert done.root == Path("/drop")
    events = ledger.events(row.id)
    assert [e["to_state"] for e in events] == [
        "discovered",
        "planned",
        "blobs_uploaded",
        "run_created",
        "done",
    ]
    assert events[1]["detail"] == "a warning"
    assert ledger.last_success() == done
    assert ledger.in_state("done") == [done]


def test_an_illegal_transition_is_refused_and_changes_nothing(ledger: Ledger) -> None:
    row = ledger.record_discovered(source())
    with pytest.raises(LedgerError, match="cannot move from 'discovered' to 'done'"):
        ledger.mark_done(row.id, [])
    assert ledger.get(row.id).state == "discovered"
    with pytest.raises(LedgerError, match="no file with id 999"):
        ledger.get(999)


def test_a_transient_failure_waits_then_is_due_again(ledger: Ledger, clock: FakeClock) -> None:
    row = ledger.record_discovered(source())
    ledger.record_transient_failure(row.id, {"message": "503"}, retry_at=clock.now + 60)
    assert ledger.pending() == []
    assert ledger.claim_due() == []
    assert [r.id for r in ledger.pending(include_waiting=True)] == [row.id]
    clock.now += 61
    pending = ledger.pending()
    assert [(r.id, r.attempts, r.last_error) for r in pending] == [(row.id, 1, {"message": "503"})]
    assert ledger.events(row.id)[-1]["detail"] == "transient: 503"
    assert ledger.reschedule(row.id, retry_at=clock.now + 5).next_attempt_at == clock.now + 5
    assert ledger.pending() == []


def test_versions_duplicates_attachments_and_failures(ledger: Ledger) -> None:
    original = ledger.record_discovered(source("/drop/a.csv", sha="aa", mtime=1))
    newer = ledger.record_discovered(source("/drop/a.csv", sha="bb", mtime=2))
    assert newer.previous_version == original.id
    assert ledger.latest_at_path(Path("/drop/a.csv")) == newer
    assert ledger.latest_at_path(Path("/drop/a.csv"), before_id=newer.id) == original
    copy = ledger.record_discovered(source("/drop/copy.csv", sha="aa"))
    assert [r.id for r in ledger.by_sha("aa")] == [original.id, copy.id]
    assert ledger.mark_duplicate(copy.id, original).duplicate_of == original.id
    failed = ledger.mark_failed(original.id, {"stage": "parse", "message": "bad header"})
    assert (failed.state, failed.last_error) == ("failed", {"stage": "parse", "message": "bad header"})
    assert ledger.recent_failures()[0].id == original.id
    again = ledger.reoffer(original.id, detail="offered again")
    assert (again.state, again.last_error) == ("discovered", None)
    trace = ledger.record_discovered(source("/drop/a_trace.csv", sha="tt"))
    ledger.record_attachments(again.id, [Path("/drop/a_trace.csv"), Path("/drop/a_trace.csv")])
    assert [r.id for r in ledger.attachment_owners(Path("/drop/a_trace.csv"))] == [again.id]
    assert ledger.attachment_paths(again.id) == [Path("/drop/a_trace.csv")]
    assert ledger.mark_attachment(trace.id, again).state == "attachment"
    counts = ledger.counts()
    assert (counts["discovered"], counts["duplicate"], counts["attachment"], counts["done"]) == (2, 1, 1, 0)


def test_filing_checkpoints_keep_the_state(ledger: Ledger, tmp_path: Path) -> None:
    row = ledger.record_discovered(source(), root=Path("/drop"))
    ledger.mark_failed(row.id, {"stage": "parse", "message": "bad"})
    assert [r.id for r in ledger.unfiled()] == [row.id]
    moved = ledger.record_final_path(row.id, tmp_path / "failed" / "a.csv")
    assert (moved.state, moved.final_path) == ("failed", tmp_path / "failed" / "a.csv")
    assert ledger.unfiled() == []
    assert ledger.record_problem(row.id, {"stage": "archive", "message": "disk full"}).state == "failed"
    released = ledger.release_file(row.id)
    assert (released.root, released.final_path) == (None, None)


def test_counters_accumulate(ledger: Ledger) -> None:
    ledger.add_counter("requests", 3)
    ledger.add_counter("requests", 2)
    ledger.add_counter("rate_limited")
    assert ledger.counters() == {"requests": 5, "rate_limited": 1}


# -- claims ----------------------------------------------------------------------------------------------


def test_a_claimed_row_is_not_given_to_another_worker_until_released(ledger: Ledger) -> None:
    row = ledger.record_discovered(source())
    claimed = ledger.claim(row.id)
    assert claimed == row
    assert ledger.claim(row.id) is None  # another thread of this process
    assert ledger.claim_due() == []
    ledger.release(row.id)
    assert ledger.claim(row.id) == row
    ledger.release(row.id)
    with pytest.raises(LedgerError, match="no file with id 4242"):
        ledger.claim(4242)
    with pytest.raises(LedgerError, match="no file with id 4242"):
        ledger.claim(4242)  # an unknown id is not left held by the first attempt


def test_claim_due_hands_each_row_to_exactly_one_thread(ledger: Ledger) -> None:
    rows = [ledger.record_discovered(source(f"/drop/{n}.csv", sha=str(n))) for n in range(5)]
    first = ledger.claim_due(limit=2)
    assert [r.id for r in first] == [rows[0].id, rows[1].id]
    second = ledger.claim_due()
    assert [r.id for r in second] == [r.id for r in rows[2:]]
    assert ledger.claim_due() == []
    # A thread takes a claimed row once; a second taker is refused.
    assert ledger.claim(rows[0].id) == rows[0]
    assert ledger.claim(rows[0].id) is None
    for row in rows:
        ledger.release(row.id)
    assert len(ledger.claim_due()) == 5


def test_threads_racing_for_rows_each_get_different_ones(ledger: Ledger) -> None:
    rows = [ledger.record_discovered(source(f"/drop/{n}.csv", sha=str(n))) for n in range(20)]
    taken: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        for row in rows:
            if ledger.claim(row.id) is not None:
                with lock:
                    taken.append(row.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == [r.id for r in rows]


def test_instances_register_and_stop(open_ledger: OpenLedger, tmp_path: Path) -> None:
    ledger = open_ledger(host_id="lab-pc-1")
    mine = ledger.register_instance("watch", [tmp_path / "inbox"])
    assert (mine.host, mine.command, mine.folders, mine.state) == (
        "lab-pc-1",
        "watch",
        (tmp_path / "inbox",),
        "running",
    )
    assert mine.id == ledger.owner and mine.id.startswith("lab-pc-1/")
    other = open_ledger(host_id="lab-pc-2")
    assert [i.id for i in other.instances()] == [mine.id]
    ledger.close()
    assert other.instances() == []
    assert [(i.id, i.state) for i in other.instances(include_finished=True)] == [(mine.id, "stopped")]
