"""The hourly pacer on a fake clock: it waits before the request that would exceed the hour, and says so."""

from __future__ import annotations

from ingest.benchling.hourly_pacer import HourlyPacer, PacingWait
from tests.support.fake_time import FakeTime


def _pacer(time: FakeTime, per_hour: int, waits: list[PacingWait]) -> HourlyPacer:
    return HourlyPacer(
        per_hour, reason="results_hourly_cap", clock=time.clock, sleep=time.sleep, on_wait=waits.append
    )


def test_requests_within_the_hour_do_not_wait() -> None:
    time, waits = FakeTime(), []
    pacer = _pacer(time, 3, waits)
    for _ in range(3):
        pacer.acquire()
    assert time.sleeps == [] and waits == []


def test_the_request_over_the_hour_waits_for_the_oldest_to_leave_and_reports_it() -> None:
    time, waits = FakeTime(), []
    pacer = _pacer(time, 2, waits)
    pacer.acquire()
    time.advance(600)
    pacer.acquire()
    assert pacer.wait_seconds() == 3000
    pacer.acquire()
    assert waits == [PacingWait("results_hourly_cap", 3000)]
    assert time.sleeps == [3000]
    # The window rolls: the next one waits for the second request's hour.
    assert pacer.wait_seconds() == 600


def test_without_a_listener_it_still_waits() -> None:
    time = FakeTime()
    pacer = HourlyPacer(1, reason="cap", clock=time.clock, sleep=time.sleep)
    pacer.acquire()
    pacer.acquire()
    assert time.sleeps == [3600]
