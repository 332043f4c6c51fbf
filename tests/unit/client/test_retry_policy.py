from __future__ import annotations

from ingest.benchling.retry_policy import RetryPolicy, is_safe_to_retry
from ingest.errors import (
    AmbiguousWriteError,
    BenchlingRejectedError,
    BenchlingUnavailableError,
    RateLimitedError,
)


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=60.0, jitter=0.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert policy.backoff(30) == 60.0


def test_jitter_stays_within_bounds() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=60.0, jitter=0.5)
    waits = [policy.backoff(2) for _ in range(200)]
    assert all(2.0 <= w <= 2.5 for w in waits)
    assert len(set(waits)) > 1


def test_only_unambiguous_unavailability_is_retried_blindly() -> None:
    common = {"method": "POST", "path": "/x"}
    assert is_safe_to_retry(BenchlingUnavailableError("m", **common))
    assert is_safe_to_retry(RateLimitedError("m", **common))
    assert not is_safe_to_retry(AmbiguousWriteError("m", **common))
    assert not is_safe_to_retry(BenchlingRejectedError("m", **common))
