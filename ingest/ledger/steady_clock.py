"""A SQLite ledger's clock for when a file's next attempt is due: epoch seconds that do not step.

A wait stored as a wall-clock time (a retry's backoff, a trace file's grace, a settle reschedule) and
compared with the wall clock later stretches by as much as the clock is stepped back (a fixed clock, an
NTP correction) and is cut short by a step forward. Within a process the ledger stores and compares
next-attempt times on a :class:`SteadyClock` (the wall clock, except that a step of it is not followed:
the monotonic clock measures the time going by), so a planned wait lasts its seconds whatever the wall
clock does. Across processes (the clock stepped while the service was stopped) a stored time further
ahead than any wait the pipeline plans (:data:`LONGEST_WAIT_SECONDS`) can only be a step, and is due at
once. A PostgreSQL ledger keeps these
times on the database server's clock instead (``ingest.ledger.server_clock``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: No wait the pipeline plans is longer (its retry backoff's cap; attachment graces and settle waits are
#: held to it): a next attempt further ahead than this was stored before the clock stepped back.
LONGEST_WAIT_SECONDS = 3600.0
#: A difference between the wall clock and the steady clock below this is drift, followed; above, a step.
STEP_SECONDS = 1.0


def elapsed_clock(
    clock: Callable[[], float], monotonic: Callable[[], float] | None = None
) -> Callable[[], float]:
    """What measures time going by beside ``clock``: ``monotonic`` when given, the monotonic clock when
    ``clock`` is the wall clock (which can step), else ``clock`` itself (a test's clock, moved by hand)."""
    if monotonic is not None:
        return monotonic
    return time.monotonic if clock is time.time else clock


class SteadyClock:
    """The wall clock, except that a step of it is not followed: after a step it reads the wall clock
    as it was before, moved on since by the monotonic clock. Slow drift between the two (NTP slewing)
    is followed, so without a step it reads exactly the wall clock."""

    def __init__(
        self, wall: Callable[[], float] = time.time, monotonic: Callable[[], float] | None = None
    ) -> None:
        self._wall = wall
        self._elapsed = elapsed_clock(wall, monotonic)
        #: (wall clock, monotonic clock) when the two last agreed; one tuple, replaced whole (threads).
        self._anchor = (wall(), self._elapsed())

    def __call__(self) -> float:
        return self._read(self._wall())

    def from_wall(self, at: float) -> float:
        """``at``, a time on the wall clock as it reads now, on this clock."""
        wall = self._wall()
        return at + (self._read(wall) - wall)

    def _read(self, wall: float) -> float:
        elapsed = self._elapsed()
        anchor_wall, anchor_elapsed = self._anchor
        steady = anchor_wall + (elapsed - anchor_elapsed)
        if abs(steady - wall) < STEP_SECONDS:
            self._anchor = (wall, elapsed)
            return wall
        return steady
