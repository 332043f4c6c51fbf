"""Client-side rate limiter at the tenant's limit that also follows Benchling's rate-limit headers.

Why not a library: limiters such as ``pyrate-limiter`` count a request when it is *sent*. The server
counts it when it *arrives*, so with a burst the (N+1)th request can reach the server less than a
window after the first one did and draw a 429. Here each of the N slots is held while its request is
in flight and becomes free one window after the *response* arrived, which is never earlier than the
server saw the request. The limiter also obeys ``x-rate-limit-remaining``/``x-rate-limit-reset``
(other clients of the same tenant spend from the same budget) and a 429 blocks every thread until
the reset, or until ``Retry-After`` when that is later. No library offers both; the piece is small.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ingest.benchling.hourly_pacer import PacingWait
from ingest.benchling.retry_after import retry_after_seconds
from ingest.benchling.settings import RateLimit

Clock = Callable[[], float]
Sleep = Callable[[float], None]

#: Waits at least this long are reported to ``on_wait`` (shorter ones are ordinary pacing).
REPORTED_WAIT_SECONDS = 1.0


@dataclass(frozen=True)
class RateLimitHeaders:
    """Benchling's ``x-rate-limit-*`` headers of one answer: the budget, what is left, seconds to reset."""

    limit: int
    remaining: int | None = None
    reset_seconds: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitHeaders | None:
        limit = _header_number(headers, "x-rate-limit-limit", "x-ratelimit-limit")
        if limit is None:
            return None
        remaining = _header_number(headers, "x-rate-limit-remaining", "x-ratelimit-remaining")
        reset = _header_number(headers, "x-rate-limit-reset", "x-ratelimit-reset")
        return cls(int(limit), None if remaining is None else int(remaining), reset)


class RequestSlot:
    """A permit for one request; ``release()`` it once the response (or failure) has arrived."""

    def __init__(self, limiter: RequestLimiter, index: int) -> None:
        self._limiter = limiter
        self._index = index
        self._released = False

    def release(self, headers: Mapping[str, str] | None = None, *, rate_limited: bool = False) -> None:
        if self._released:
            return
        self._released = True
        self._limiter._release(self._index, headers or {}, rate_limited)


class RequestLimiter:
    """The in-process :class:`~ingest.benchling.budget.RequestBudget`. Hands out :class:`RequestSlot`s
    so that at most ``limit.requests`` requests reach the server in
    any ``limit.window_seconds``; thread-safe. ``clock`` is monotonic seconds, ``sleep`` waits;
    ``on_wait`` hears of each wait of ``REPORTED_WAIT_SECONDS`` or more first (reason ``rate_limit``)."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Clock,
        sleep: Sleep,
        on_wait: Callable[[PacingWait], None] | None = None,
    ) -> None:
        self._limit = limit
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._cond = threading.Condition()
        # free_at[i]: when slot i may be used again; inf while its request is in flight.
        self._free_at = [-math.inf] * limit.requests
        # What the server last told us: requests left until ``_server_reset_at``.
        self._server_remaining: int | None = None
        self._server_reset_at = -math.inf
        self._blocked_until = -math.inf

    @property
    def limit(self) -> RateLimit:
        return self._limit

    def acquire(self) -> RequestSlot:
        """Wait until a request may be sent, then return its slot."""
        while True:
            with self._cond:
                now = self._clock()
                delay = self._delay_locked(now)
                if delay is None:
                    self._cond.wait(timeout=1.0)
                    continue
                if delay <= 0:
                    index = min(range(len(self._free_at)), key=self._free_at.__getitem__)
                    self._free_at[index] = math.inf
                    if self._server_remaining is not None and now < self._server_reset_at:
                        self._server_remaining -= 1
                    return RequestSlot(self, index)
            if self._on_wait is not None and delay >= REPORTED_WAIT_SECONDS:
                self._on_wait(PacingWait("rate_limit", delay))
            self._sleep(delay)

    def _delay_locked(self, now: float) -> float | None:
        """Seconds to wait before sending (<= 0: now), or None when every slot is in flight."""
        waits = [self._blocked_until - now]
        if self._server_remaining is not None and self._server_remaining <= 0:
            waits.append(self._server_reset_at - now)
        earliest = min(self._free_at)
        if earliest == math.inf:
            return None
        waits.append(earliest - now)
        return max(waits)

    def _release(self, index: int, headers: Mapping[str, str], rate_limited: bool) -> None:
        with self._cond:
            now = self._clock()
            self._free_at[index] = now + self._limit.window_seconds
            remaining = _header_number(headers, "x-rate-limit-remaining", "x-ratelimit-remaining")
            reset = _header_number(headers, "x-rate-limit-reset", "x-ratelimit-reset")
            if remaining is not None and reset is not None:
                self._server_remaining = int(remaining)
                # Waiting a little past the reset keeps clock skew from costing a 429.
                self._server_reset_at = now + reset + 0.05
            if rate_limited:
                # Retry-After, when given, is a lower bound as well (RFC 9110); neither: one window.
                told = [t for t in (reset, retry_after_seconds(headers)) if t is not None]
                pause = max(told) if told else self._limit.window_seconds
                self._blocked_until = max(self._blocked_until, now + pause + 0.05)
            self._cond.notify_all()

    def blocked_for(self) -> float:
        """Seconds every request must still wait because of a 429 (0 when not blocked)."""
        with self._cond:
            return max(0.0, self._blocked_until - self._clock())


def _header_number(headers: Mapping[str, str], *names: str) -> float | None:
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number) and number >= 0:
            return number
    return None
