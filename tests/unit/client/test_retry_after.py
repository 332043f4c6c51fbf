"""``Retry-After`` (RFC 9110): seconds or an HTTP date, a lower bound of the wait after a 429 or 503."""

from __future__ import annotations

import httpx
import pytest
import tenacity

from ingest.benchling.error_mapping import error_from_response
from ingest.benchling.limiter import RequestLimiter
from ingest.benchling.retry_after import retry_after_seconds
from ingest.benchling.retry_policy import RetryBudget, RetryPolicy
from ingest.benchling.settings import RateLimit
from tests.support.fake_time import FakeTime

DATE = "Sun, 29 Nov 2026 00:15:00 GMT"
FOUR_LATER = "Sun, 29 Nov 2026 00:15:04 GMT"
DATE_STAMP = 1795911300.0  # DATE as a POSIX timestamp


def test_seconds_are_read_as_they_are() -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": "120"})) == 120.0


def test_an_http_date_is_measured_from_the_answers_own_date() -> None:
    headers = httpx.Headers({"Retry-After": FOUR_LATER, "Date": DATE})
    assert retry_after_seconds(headers, wall_clock=lambda: 0.0) == 4.0


def test_an_http_date_without_a_date_header_is_measured_from_the_wall_clock() -> None:
    headers = httpx.Headers({"Retry-After": FOUR_LATER})
    assert retry_after_seconds(headers, wall_clock=lambda: DATE_STAMP + 1) == 3.0
    assert retry_after_seconds(headers, wall_clock=lambda: DATE_STAMP + 60) == 0.0


@pytest.mark.parametrize("value", ["", "soon", "-3", "1.5e3x", "Sun, 99 Foo 2026"])
def test_unreadable_values_are_ignored(value: str) -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": value})) is None


def test_a_429_with_only_retry_after_blocks_every_request_that_long() -> None:
    time = FakeTime()
    limiter = RequestLimiter(RateLimit(100, 1.0), clock=time.clock, sleep=time.sleep)
    start = time.clock()
    limiter.acquire().release(httpx.Headers({"Retry-After": FOUR_LATER, "Date": DATE}), rate_limited=True)
    limiter.acquire().release()
    assert time.clock() >= start + 4.0


def test_retry_after_beyond_the_reset_is_the_wait() -> None:
    time = FakeTime()
    limiter = RequestLimiter(RateLimit(100, 30.0), clock=time.clock, sleep=time.sleep)
    headers = httpx.Headers({"x-rate-limit-reset": "2", "Retry-After": "9"})
    limiter.acquire().release(headers, rate_limited=True)
    assert limiter.blocked_for() == pytest.approx(9.05)


def _wait_after(response: httpx.Response, policy: RetryPolicy) -> float:
    error = error_from_response(response, method="GET", path="/assay-runs", write=False)
    budget = RetryBudget(policy, FakeTime().clock)
    state = tenacity.RetryCallState(tenacity.Retrying(), fn=None, args=(), kwargs={})
    state.set_exception((type(error), error, None))
    return budget.wait_seconds(state)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_a_lower_bound_of_the_retry_wait(status: int) -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=60.0, jitter=0.0)
    told = httpx.Response(status, headers={"Retry-After": "7"}, json={"error": {"message": "Wait."}})
    assert _wait_after(told, policy) == 7.0
    untold = httpx.Response(status, json={"error": {"message": "Wait."}})
    assert _wait_after(untold, policy) < 7.0


def test_a_429_without_headers_says_in_a_full_sentence_what_the_client_waits() -> None:
    response = httpx.Response(429, json={"error": {"message": "Rate limit exceeded."}})
    error = error_from_response(response, method="GET", path="/assay-runs", write=False)
    assert "a backoff seconds" not in error.message
    assert error.message.endswith(
        "Benchling said neither when the limit resets nor when to retry, so the client waits one "
        "rate-limit window before the next request."
    )


def test_a_429_message_names_both_waits_it_was_told() -> None:
    response = httpx.Response(429, headers={"x-rate-limit-reset": "3", "Retry-After": "5"})
    error = error_from_response(response, method="GET", path="/assay-runs", write=False)
    assert error.message.endswith(
        "the client waits at least 3 seconds (x-rate-limit-reset) and 5 seconds (Retry-After) before "
        "the next request."
    )
    assert error.context["retry_after_seconds"] == 5.0
