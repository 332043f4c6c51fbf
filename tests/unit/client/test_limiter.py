from __future__ import annotations

import httpx
import pytest

from ingest.benchling.limiter import RequestLimiter
from ingest.benchling.settings import RateLimit
from tests.support.fake_time import FakeTime


def make(requests: int = 3, window: float = 10.0) -> tuple[RequestLimiter, FakeTime]:
    time = FakeTime()
    return RequestLimiter(RateLimit(requests, window), clock=time.clock, sleep=time.sleep), time


def test_requests_within_the_limit_do_not_wait() -> None:
    limiter, time = make(3)
    for _ in range(3):
        limiter.acquire().release()
    assert time.sleeps == []


def test_the_request_over_the_limit_waits_one_window_after_the_first_response() -> None:
    limiter, time = make(3, 10.0)
    start = time.clock()
    first = limiter.acquire()
    time.advance(2.0)  # the first response arrives 2 s later
    first.release()
    limiter.acquire().release()
    limiter.acquire().release()
    limiter.acquire().release()
    # A slot frees one window after its response, never before the server could have seen it.
    assert time.clock() == pytest.approx(start + 12.0)


def test_no_window_ever_holds_more_than_the_limit() -> None:
    limiter, time = make(5, 3.0)
    sent: list[float] = []
    for _ in range(40):
        slot = limiter.acquire()
        sent.append(time.clock())
        time.advance(0.1)
        slot.release()
    for index in range(len(sent) - 5):
        assert sent[index + 5] - sent[index] >= 3.0


def test_server_headers_saying_none_remain_hold_requests_until_the_reset() -> None:
    limiter, time = make(100, 30.0)
    start = time.clock()
    limiter.acquire().release(httpx.Headers({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "7"}))
    limiter.acquire().release()
    assert time.clock() >= start + 7.0


def test_server_headers_with_budget_left_do_not_slow_requests() -> None:
    limiter, time = make(100, 30.0)
    limiter.acquire().release(httpx.Headers({"x-rate-limit-remaining": "50", "x-rate-limit-reset": "20"}))
    for _ in range(10):
        limiter.acquire().release()
    assert time.sleeps == []


def test_a_429_blocks_every_request_until_the_reset() -> None:
    limiter, time = make(100, 30.0)
    start = time.clock()
    limiter.acquire().release(httpx.Headers({"x-rate-limit-reset": "4"}), rate_limited=True)
    assert limiter.blocked_for() == pytest.approx(4.05)
    limiter.acquire().release()
    assert time.clock() >= start + 4.0


def test_a_429_without_headers_blocks_for_one_window() -> None:
    limiter, time = make(100, 5.0)
    start = time.clock()
    limiter.acquire().release(rate_limited=True)
    limiter.acquire().release()
    assert time.clock() >= start + 5.0


def test_releasing_twice_frees_only_one_slot() -> None:
    limiter, time = make(1, 10.0)
    slot = limiter.acquire()
    slot.release()
    slot.release()
    limiter.acquire().release()
    assert time.sleeps and sum(time.sleeps) >= 10.0


def test_a_long_wait_is_told_to_on_wait_first_and_a_short_one_is_not() -> None:
    from ingest.benchling import PacingWait

    time = FakeTime()
    heard: list[tuple[PacingWait, list[float]]] = []
    limiter = RequestLimiter(
        RateLimit(1, 10.0),
        clock=time.clock,
        sleep=time.sleep,
        on_wait=lambda wait: heard.append((wait, list(time.sleeps))),
    )
    limiter.acquire().release()
    limiter.acquire().release()  # waits the whole window
    assert [(w.reason, round(w.seconds, 3)) for w, _ in heard] == [("rate_limit", 10.0)]
    assert heard[0][1] == [], "told before the wait"
    time.advance(9.5)
    limiter.acquire().release()  # 0.5 s: ordinary pacing, not reported
    assert len(heard) == 1
