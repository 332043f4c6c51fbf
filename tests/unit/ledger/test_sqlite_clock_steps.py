"""A SQLite ledger's waits (next-attempt times) when the wall clock steps: within a process they last
their planned seconds, whichever way the clock steps; a wait stored before the clock stepped back in
another process is due at once when it lies further ahead than any planned wait. Fake clocks only."""

from __future__ import annotations

from pathlib import Path

from ingest.ledger import SqliteLedger
from ingest.ledger.steady_clock import LONGEST_WAIT_SECONDS, SteadyClock
from ingest.models import SourceFile
from tests.support.watch_fakes import FakeClock

HOUR = 3600.0


def waiting_row(ledger: SqliteLedger, wall: FakeClock, seconds: float) -> int:
    path = Path("/drop/a.csv")
    row = ledger.record_discovered(SourceFile(path, "aa", 10, 1, (path,)))
    ledger.record_transient_failure(row.id, {"message": "Benchling said 503"}, retry_at=wall() + seconds)
    return row.id


def due(ledger: SqliteLedger) -> list[int]:
    return [r.id for r in ledger.pending()]


def test_a_wait_lasts_its_seconds_when_the_clock_steps_back(tmp_path: Path) -> None:
    wall, monotonic = FakeClock(1_700_000_000.0), FakeClock(500.0)
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=monotonic) as ledger:
        row = waiting_row(ledger, wall, 60)
        wall.now -= HOUR
        monotonic.now += 59
        assert due(ledger) == []
        monotonic.now += 2
        assert due(ledger) == [row]


def test_a_wait_is_not_cut_short_when_the_clock_steps_forward(tmp_path: Path) -> None:
    wall, monotonic = FakeClock(1_700_000_000.0), FakeClock(500.0)
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=monotonic) as ledger:
        row = waiting_row(ledger, wall, 60)
        wall.now += HOUR
        monotonic.now += 30
        assert due(ledger) == []
        monotonic.now += 31
        assert due(ledger) == [row]


def test_a_wait_stored_before_the_clock_stepped_back_in_another_process_is_due(tmp_path: Path) -> None:
    """The service stopped, the clock was stepped back two hours, the service started again: the stored
    time lies further ahead than any wait the pipeline plans, so it is due now (not in two hours)."""
    wall = FakeClock(1_700_000_000.0)
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=FakeClock(500.0)) as before:
        row = waiting_row(before, wall, 60)
    wall.now -= 2 * HOUR
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=FakeClock(9.0)) as after:
        assert due(after) == [row]


def test_a_wait_stored_by_another_process_lasts_its_seconds_without_a_step(tmp_path: Path) -> None:
    wall = FakeClock(1_700_000_000.0)
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=FakeClock(500.0)) as before:
        row = waiting_row(before, wall, LONGEST_WAIT_SECONDS)
    wall.now += 10
    monotonic = FakeClock(9.0)
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=wall, monotonic=monotonic) as after:
        assert due(after) == []
        monotonic.now += LONGEST_WAIT_SECONDS - 10
        assert due(after) == [row]


def test_the_steady_clock_follows_the_monotonic_clock_not_the_wall_clock() -> None:
    wall, monotonic = FakeClock(1_000.0), FakeClock(7.0)
    steady = SteadyClock(wall, monotonic)
    wall.now -= HOUR
    monotonic.now += 5
    assert steady() == 1_005.0
    assert steady.from_wall(wall() + 60) == 1_065.0


def test_without_a_step_the_steady_clock_reads_the_wall_clock_drift_included() -> None:
    wall, monotonic = FakeClock(1_000.0), FakeClock(7.0)
    steady = SteadyClock(wall, monotonic)
    for _ in range(10):  # the wall clock slews ahead of the monotonic clock, never by a second at once
        wall.now += 10.5
        monotonic.now += 10
        assert steady() == wall.now
        assert steady.from_wall(wall.now + 60) == wall.now + 60
