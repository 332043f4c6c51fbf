"""Time for the sandbox: token expiry, rate windows, presigned-URL expiry and injected latency."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """What the sandbox needs to know about time; tests inject :class:`ManualClock`."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (rate windows, token expiry)."""
        ...

    def wall(self) -> float:
        """Unix time in seconds (``createdAt`` stamps, presigned-URL ``expiresAt``)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (injected latency, maintenance)."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to; ``sleep`` advances it instead of waiting."""

    def __init__(self, start_wall: float = 1_700_000_000.0) -> None:
        self._elapsed = 0.0
        self._start_wall = start_wall

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"ManualClock.advance needs a non-negative number of seconds, got {seconds}.")
        self._elapsed += seconds

    def monotonic(self) -> float:
        return self._elapsed

    def wall(self) -> float:
        return self._start_wall + self._elapsed

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"ManualClock(elapsed={self._elapsed})"
