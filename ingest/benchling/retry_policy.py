"""When and how long to wait before sending a failed request again (tenacity drives the loop)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import tenacity

from ingest.errors import (
    AmbiguousWriteError,
    BenchlingUnavailableError,
    BenchlingUnreachableError,
    RateLimitedError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff settings.

    Network errors and 5xx: exponential backoff from ``initial_backoff`` doubling up to
    ``max_backoff`` (Benchling recommends capping near 60 s) plus up to ``jitter`` seconds of random
    jitter, at most ``max_attempts`` tries. 429: the limiter holds every request until the server's
    reset; up to ``rate_limited_attempts`` tries. 503 is how Benchling's monthly maintenance window
    (about two hours) answers, so a 503 is retried for up to ``maintenance_patience_seconds`` instead.
    """

    initial_backoff: float = 1.0
    max_backoff: float = 60.0
    jitter: float = 1.0
    max_attempts: int = 8
    rate_limited_attempts: int = 30
    maintenance_patience_seconds: float = 3 * 3600.0

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th consecutive failure (1-based)."""
        base = self.initial_backoff * 2.0 ** max(0, failures - 1)
        return float(min(self.max_backoff, base + random.uniform(0, self.jitter)))


def is_safe_to_retry(exc: BaseException) -> bool:
    """Retry unavailability, but never a create whose outcome is unknown (the caller checks first), nor
    a server this client has never reached (a wrong URL or a blocked network: said at once, not after
    minutes of backoff; once Benchling has answered, a refused connection is transient and retried)."""
    return isinstance(exc, BenchlingUnavailableError) and not isinstance(
        exc, (AmbiguousWriteError, BenchlingUnreachableError)
    )


class RetryBudget:
    """Per-call stop and wait rules for tenacity; uses the injected clock for the maintenance patience.

    tenacity asks for the wait before it asks whether to stop, so each failed attempt is counted once,
    by whichever question comes first.
    """

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float]) -> None:
        self._policy = policy
        self._clock = clock
        self._seen_attempt = 0
        self._failures = 0
        self._rate_limited = 0
        self._maintenance_since: float | None = None

    def _observe(self, state: tenacity.RetryCallState) -> BaseException | None:
        exc = state.outcome.exception() if state.outcome else None
        if state.attempt_number == self._seen_attempt:
            return exc
        self._seen_attempt = state.attempt_number
        if isinstance(exc, RateLimitedError):
            self._rate_limited += 1
        elif getattr(exc, "status", None) == 503:
            self._failures += 1
            if self._maintenance_since is None:
                self._maintenance_since = self._clock()
        else:
            self._failures += 1
            self._maintenance_since = None
        return exc

    def should_stop(self, state: tenacity.RetryCallState) -> bool:
        exc = self._observe(state)
        if isinstance(exc, RateLimitedError):
            return self._rate_limited >= self._policy.rate_limited_attempts
        if self._maintenance_since is not None:
            return self._clock() - self._maintenance_since >= self._policy.maintenance_patience_seconds
        return self._failures >= self._policy.max_attempts

    def wait_seconds(self, state: tenacity.RetryCallState) -> float:
        exc = self._observe(state)
        # Retry-After (on a 429 or 503) is a lower bound of the wait, whatever the budget does.
        told = getattr(exc, "context", {}).get("retry_after_seconds") if exc is not None else None
        floor = float(told) if isinstance(told, (int, float)) else 0.0
        if isinstance(exc, RateLimitedError):
            # The limiter already blocks until the server's reset; only spread the threads a little.
            return max(floor, random.uniform(0, min(self._policy.jitter, 0.25)))
        return max(floor, self._policy.backoff(self._failures))
