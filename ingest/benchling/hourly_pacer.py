"""Pacing for Benchling's hourly cap on ``POST /assay-results`` (10,000 requests per rolling hour).

The cap is documented but sent in no header, and a 429 from it looks like any other. So the client
counts its own requests and, before the one that would exceed ``per_hour`` in the last hour, waits until
the oldest leaves the window. (The client counts transaction appends and bulk-creates too: whether a
tenant does is undocumented, and counting them is right either way.) Each wait is reported to
``on_wait`` first (a progress bar can say it is waiting on the cap), and ``wait_seconds()`` tells how
long the next request would wait now.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 3600.0


@dataclass(frozen=True)
class PacingWait:
    """A wait the client is about to make: ``reason`` (e.g. ``results_hourly_cap``) and ``seconds``."""

    reason: str
    seconds: float


class HourlyPacer:
    """At most ``per_hour`` acquisitions in any rolling hour; thread-safe; clock and sleep injected."""

    def __init__(
        self,
        per_hour: int,
        *,
        reason: str,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        on_wait: Callable[[PacingWait], None] | None = None,
    ) -> None:
        if per_hour < 1:
            raise ValueError(f"An hourly allowance must be at least 1, got {per_hour}.")
        self._per_hour = per_hour
        self._reason = reason
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._lock = threading.Lock()
        self._stamps: deque[float] = deque()

    @property
    def per_hour(self) -> int:
        return self._per_hour

    def _wait_locked(self, now: float) -> float:
        while self._stamps and self._stamps[0] <= now - WINDOW_SECONDS:
            self._stamps.popleft()
        if len(self._stamps) < self._per_hour:
            return 0.0
        return self._stamps[0] + WINDOW_SECONDS - now

    def wait_seconds(self) -> float:
        """How long a request sent now would wait (0 when the hour has room)."""
        with self._lock:
            return max(0.0, self._wait_locked(self._clock()))

    def acquire(self) -> None:
        """Wait until the hour has room, then count one request."""
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_locked(now)
                if wait <= 0:
                    self._stamps.append(now)
                    return
            if self._on_wait is not None:
                self._on_wait(PacingWait(self._reason, wait))
            self._sleep(wait)
