"""Retry times on a shared ledger, kept on the database server's clock.

A row's next attempt time is written by one host and compared by another. Two hosts' wall clocks can
differ by minutes (no NTP on an instrument PC, a VM resumed from a snapshot), so a time written from one
host's clock would make another host retry too early or wait far too long. The PostgreSQL ledger
therefore stores these times on the server's clock: this process measures how far the server's clock
is from its own (at open, and again with every heartbeat when it runs on the real clock) and converts
each time on its way in and out. Leases and heartbeats need no conversion: they are computed by the
server itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

SERVER_NOW = "SELECT extract(epoch FROM clock_timestamp())::double precision AS now"


class ServerClockOffset:
    """How many seconds the server's clock is ahead of ``clock`` (negative when behind).

    ``follow``: measure again on every ``remeasure`` (the real clock, which NTP or an operator may step);
    an injected clock (a test's fake one) is measured once, so its jumps stay jumps in ledger time too.
    """

    def __init__(self, clock: Callable[[], float], *, follow: bool) -> None:
        self._clock = clock
        self._follow = follow
        self._offset = 0.0

    def measure(self, cur: psycopg.Cursor[Any]) -> None:
        before = self._clock()
        row = cur.execute(SERVER_NOW).fetchone()
        after = self._clock()
        assert row is not None
        server_now = float(row["now"] if isinstance(row, dict) else row[0])
        self._offset = server_now - (before + after) / 2

    def remeasure(self, cur: psycopg.Cursor[Any]) -> None:
        if self._follow:
            self.measure(cur)

    def to_server(self, local: float | None) -> float | None:
        return None if local is None else local + self._offset

    def to_local(self, server: float | None) -> float | None:
        return None if server is None else server - self._offset


def follows_real_clock(clock: Callable[[], float]) -> bool:
    return clock is time.time
