"""Per-credential request counting with Benchling's ``x-rate-limit-*`` headers.

Hand-written rather than a library because it must run on the injected clock and report the exact
seconds left in the window for ``x-rate-limit-reset``.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from ingest.sandbox.clock import Clock
from ingest.sandbox.config import RateLimit


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(self.reset_seconds),
        }


class RateLimiter:
    """Counts every request per credential key; ``None`` limit means unlimited (headers still sent)."""

    def __init__(self, limit: RateLimit | None, clock: Clock) -> None:
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._stamps: dict[str, deque[float]] = {}

    def peek(self, key: str) -> RateDecision:
        """The headers' view of ``key`` without counting a request (for answers sent before auth)."""
        limit = self._limit
        if limit is None:
            return RateDecision(True, 1_000_000, 1_000_000, 0)
        now = self._clock.monotonic()
        with self._lock:
            if limit.sliding:
                stamps = [s for s in self._stamps.get(key, ()) if s > now - limit.window_seconds]
                reset = math.ceil(stamps[0] + limit.window_seconds - now) if stamps else 0
                return RateDecision(True, limit.requests, max(0, limit.requests - len(stamps)), reset)
            start, count = self._windows.get(key, (now, 0))
            if now >= start + limit.window_seconds:
                start, count = now, 0
            reset = math.ceil(start + limit.window_seconds - now) if count else 0
            return RateDecision(True, limit.requests, max(0, limit.requests - count), reset)

    def hit(self, key: str) -> RateDecision:
        limit = self._limit
        if limit is None:
            return RateDecision(True, 1_000_000, 1_000_000, 0)
        now = self._clock.monotonic()
        with self._lock:
            if limit.sliding:
                return self._hit_sliding(key, now, limit)
            return self._hit_fixed(key, now, limit)

    def _hit_fixed(self, key: str, now: float, limit: RateLimit) -> RateDecision:
        start, count = self._windows.get(key, (now, 0))
        if now >= start + limit.window_seconds:
            start, count = now, 0
        reset = math.ceil(start + limit.window_seconds - now)
        if count >= limit.requests:
            self._windows[key] = (start, count)
            return RateDecision(False, limit.requests, 0, reset)
        self._windows[key] = (start, count + 1)
        return RateDecision(True, limit.requests, limit.requests - count - 1, reset)

    def _hit_sliding(self, key: str, now: float, limit: RateLimit) -> RateDecision:
        stamps = self._stamps.setdefault(key, deque())
        while stamps and stamps[0] <= now - limit.window_seconds:
            stamps.popleft()
        allowed = len(stamps) < limit.requests
        if allowed:
            stamps.append(now)
        reset = math.ceil(stamps[0] + limit.window_seconds - now) if stamps else 0
        return RateDecision(allowed, limit.requests, max(0, limit.requests - len(stamps)), reset)
