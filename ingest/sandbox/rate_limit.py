"""Request budgets with Benchling's ``x-rate-limit-*`` headers, shared as ``rate_limit_scope`` says.

Under ``tenant`` (Benchling's documented scheme) every user API key spends from one tenant budget, each
app (OAuth client) from its own budget and, too, from one budget of all apps together, which no header
shows. Under ``credential`` every credential has its own budget. Failed authentications spend from an
anonymous budget. A request is allowed only when every budget it spends from has room, and is then
counted in all of them.

Hand-written rather than a library because it must run on the injected clock and report the exact
seconds left in the window for ``x-rate-limit-reset``.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.sandbox.clock import Clock
from ingest.sandbox.config import RateLimit
from ingest.sandbox.variants import RateLimitScope

#: Headers shown when rate limiting is off.
_UNLIMITED = 1_000_000


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


@dataclass(frozen=True)
class Caller:
    """Who spends: ``kind`` is ``user`` (API key), ``app`` (OAuth client) or ``anonymous``."""

    kind: str
    key: str


ANONYMOUS_CALLER = Caller("anonymous", "anonymous")


@dataclass(frozen=True)
class _Budget:
    name: str
    limit: RateLimit


class _Window:
    """One budget's counter: a fixed window (start, count) or sliding timestamps."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.start = -math.inf
        self.count = 0
        self.stamps: deque[float] = deque()

    def _roll(self, now: float) -> None:
        if self.limit.sliding:
            while self.stamps and self.stamps[0] <= now - self.limit.window_seconds:
                self.stamps.popleft()
        elif self.count == 0 or now >= self.start + self.limit.window_seconds:
            self.start, self.count = now, 0

    def used(self, now: float) -> int:
        self._roll(now)
        return len(self.stamps) if self.limit.sliding else self.count

    def reset_seconds(self, now: float) -> int:
        if self.limit.sliding:
            return math.ceil(self.stamps[0] + self.limit.window_seconds - now) if self.stamps else 0
        return math.ceil(self.start + self.limit.window_seconds - now) if self.count else 0

    def spend(self, now: float) -> None:
        self._roll(now)
        if self.limit.sliding:
            self.stamps.append(now)
        else:
            self.count += 1


class RateLimiter:
    """Counts every request against the budgets of its caller; ``limit=None`` means unlimited (headers
    are still sent)."""

    def __init__(
        self,
        limit: RateLimit | None,
        clock: Clock,
        *,
        scope: RateLimitScope = "credential",
        app_limit: RateLimit | None = None,
        all_apps_limit: RateLimit | None = None,
    ) -> None:
        self._limit = limit
        self._clock = clock
        self._scope = scope
        self._app_limit = app_limit or limit
        self._all_apps_limit = all_apps_limit
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], _Window] = {}

    def _budgets(self, caller: Caller) -> Sequence[tuple[str, _Budget]]:
        """(window key, budget) pairs the caller spends from; the first one is shown in headers."""
        assert self._limit is not None
        if caller.kind == "anonymous" or self._scope == "credential":
            return [(caller.key, _Budget("own", self._limit))]
        if caller.kind == "user":
            return [("users", _Budget("tenant", self._limit))]
        assert self._app_limit is not None
        budgets = [(caller.key, _Budget("app", self._app_limit))]
        if self._all_apps_limit is not None:
            budgets.append(("apps", _Budget("all-apps", self._all_apps_limit)))
        return budgets

    def _window(self, key: str, budget: _Budget) -> _Window:
        window = self._windows.get((budget.name, key))
        if window is None:
            window = self._windows[(budget.name, key)] = _Window(budget.limit)
        return window

    def peek(self, caller: Caller = ANONYMOUS_CALLER) -> RateDecision:
        """The headers' view of ``caller`` without counting a request (for answers sent before auth)."""
        return self._decide(caller, spend=False)

    def hit(self, caller: Caller) -> RateDecision:
        return self._decide(caller, spend=True)

    def _decide(self, caller: Caller, *, spend: bool) -> RateDecision:
        if self._limit is None:
            return RateDecision(True, _UNLIMITED, _UNLIMITED, 0)
        now = self._clock.monotonic()
        with self._lock:
            windows = [(self._window(key, budget), budget) for key, budget in self._budgets(caller)]
            allowed = all(w.used(now) < b.limit.requests for w, b in windows)
            if spend and allowed:
                for window, _ in windows:
                    window.spend(now)
            shown, budget = windows[0]
            remaining = max(0, budget.limit.requests - shown.used(now))
            return RateDecision(allowed, budget.limit.requests, remaining, shown.reset_seconds(now))


class HourlyCap:
    """At most ``limit`` requests per rolling hour, tenant-wide (``POST /assay-results``)."""

    WINDOW_SECONDS = 3600.0

    def __init__(self, limit: int, clock: Clock) -> None:
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._stamps: deque[float] = deque()

    def hit(self) -> bool:
        """Count one request; False (not counted) when the hour's allowance is spent."""
        now = self._clock.monotonic()
        with self._lock:
            while self._stamps and self._stamps[0] <= now - self.WINDOW_SECONDS:
                self._stamps.popleft()
            if len(self._stamps) >= self._limit:
                return False
            self._stamps.append(now)
            return True
