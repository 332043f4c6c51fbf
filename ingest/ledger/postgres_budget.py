"""One Benchling request budget shared by every process and host on a PostgreSQL ledger.

Benchling counts requests per tenant (default 60 per 30 s for all user API keys together), so several
hosts must draw from one count. The count lives in the database: a budget row per Benchling budget
(``rate_budgets``: the tenant, or one app) and N slot rows (``rate_slots``), N the requests allowed
per window. A request takes the slot that became free earliest and holds it while it is in flight;
when its response arrives the slot becomes free again one window later. As the client's in-process
limiter argues, a slot's next request then reaches the server more than a window after the previous
one did, so at most N requests arrive in any window, whichever host sends them. Every decision is
one short transaction that locks the budget row (all hosts queue on it) and reads the time from the
server (``clock_timestamp()``), so hosts' clocks need not agree.

The server's rate headers are shared too: ``x-rate-limit-remaining``/``-reset`` of any host's response
(other clients of the tenant spend from the same budget) and a 429 block every host until the reset.
A slot held by a process that died is free again after ``hold_seconds``. When the database cannot be
reached, ``acquire`` keeps trying for ``patience_seconds`` and then raises ``LedgerUnavailableError``
(retryable): without the shared count no request is sent.

All hosts should configure the same limit (``BENCHLING_RATE_LIMIT``); a host with a smaller one uses
only the first slots, so together they never exceed the largest limit configured.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ingest.errors import LedgerError, LedgerUnavailableError
from ingest.ledger.location import redact_dsn
from ingest.ledger.migrations import migrate_postgres
from ingest.ledger.postgres_connect import first_connection, reason_of
from ingest.ledger.postgres_schema import POSTGRES_MIGRATIONS

log = logging.getLogger("ingest.ledger.budget")

#: How often a waiter looks again while every slot is in flight (their release time is unknown).
IN_FLIGHT_POLL_SECONDS = 0.1
#: Margin past a server-given reset, for clock skew between Benchling and the database.
RESET_MARGIN_SECONDS = 0.05


class PostgresPermit:
    """One held slot; ``release`` it when the response (or failure) has arrived."""

    def __init__(self, budget: PostgresRequestBudget, slot: int, token: str) -> None:
        self._budget = budget
        self._slot = slot
        self._token = token
        self._released = False

    def release(self, headers: Mapping[str, str] | None = None, *, rate_limited: bool = False) -> None:
        if self._released:
            return
        self._released = True
        self._budget._release(self._slot, self._token, headers or {}, rate_limited)


class PostgresRequestBudget:
    """A ``RequestBudget`` (``ingest.benchling.budget``) kept in the PostgreSQL ledger's database."""

    def __init__(
        self,
        dsn: str,
        *,
        key: str,
        requests: int,
        window_seconds: float,
        hold_seconds: float | None = None,
        patience_seconds: float = 120.0,
        pool_size: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if requests < 1 or window_seconds <= 0:
            raise LedgerError(
                f"A request budget of {requests}/{window_seconds} s is invalid; expected at least one "
                "request per positive number of seconds."
            )
        self._display = redact_dsn(dsn)
        self._key = key
        self._requests = requests
        self._window = float(window_seconds)
        # A request in flight longer than this is taken to have died with its process (the client's
        # timeouts end any real request well before).
        self._hold = float(hold_seconds if hold_seconds is not None else window_seconds + 300.0)
        self._patience = patience_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._closed = threading.Event()
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=10.0,
            check=ConnectionPool.check_connection,
            kwargs={"autocommit": True, "connect_timeout": 10},
            name="request-budget",
        )
        try:
            with first_connection(dsn, timeout=10.0) as conn:
                migrate_postgres(conn, POSTGRES_MIGRATIONS)
                self._set_up(conn)
            self._pool.open(wait=True, timeout=10.0)
        except psycopg.Error as exc:
            self._pool.close()
            raise LedgerUnavailableError(
                f"The shared request budget in {self._display} could not be opened ({reason_of(exc, dsn)}). "
                "Expected a reachable PostgreSQL ledger.",
                ledger=self._display,
            ) from None

    def __repr__(self) -> str:
        return (
            f"PostgresRequestBudget({self._display!r}, key={self._key!r}, {self._requests}/{self._window:g}s)"
        )

    def close(self) -> None:
        self._closed.set()
        self._pool.close()

    def _set_up(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            # Hosts starting at once would otherwise insert the same slots in different orders.
            cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 1))", (self._key,))
            before = cur.execute(
                "SELECT requests, window_seconds FROM rate_budgets WHERE key = %s FOR UPDATE", (self._key,)
            ).fetchone()
            if before is not None and (before["requests"], before["window_seconds"]) != (
                self._requests,
                self._window,
            ):
                log.warning(
                    "This host's rate limit %d/%g s differs from %d/%g s set by another host for %s; "
                    "every host should use the same BENCHLING_RATE_LIMIT.",
                    self._requests,
                    self._window,
                    before["requests"],
                    before["window_seconds"],
                    self._key,
                )
            cur.execute(
                "INSERT INTO rate_budgets (key, requests, window_seconds) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET requests = EXCLUDED.requests,"
                " window_seconds = EXCLUDED.window_seconds",
                (self._key, self._requests, self._window),
            )
            cur.execute(
                "INSERT INTO rate_slots (key, slot) SELECT %s, generate_series(0, %s - 1)"
                " ON CONFLICT DO NOTHING",
                (self._key, self._requests),
            )

    # -- the RequestBudget protocol -------------------------------------------------------------------

    def acquire(self) -> PostgresPermit:
        """Wait until one more request may go out without exceeding the shared budget."""
        unreachable_since: float | None = None
        backoff = 0.2
        while True:
            try:
                taken = self._try_acquire()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                now = self._monotonic()
                unreachable_since = unreachable_since if unreachable_since is not None else now
                if now - unreachable_since >= self._patience or self._closed.is_set():
                    raise LedgerUnavailableError(
                        f"The shared request budget in {self._display} cannot be reached "
                        f"({type(exc).__name__}) and no request is sent without it; expected the "
                        "PostgreSQL ledger to be back. The work is tried again later.",
                        ledger=self._display,
                    ) from None
                self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            unreachable_since, backoff = None, 0.2
            if isinstance(taken, PostgresPermit):
                return taken
            # A little jitter keeps hosts that woke together from queueing in lockstep.
            self._sleep(taken * random.uniform(1.0, 1.1))

    def _try_acquire(self) -> PostgresPermit | float:
        """A permit, or how many seconds to wait before asking again."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            budget = cur.execute(
                "SELECT clock_timestamp() AS now, server_remaining, server_reset_at, blocked_until"
                " FROM rate_budgets WHERE key = %s FOR UPDATE",
                (self._key,),
            ).fetchone()
            slot = cur.execute(
                "SELECT slot, free_at, holder FROM rate_slots WHERE key = %s AND slot < %s"
                " ORDER BY free_at, slot LIMIT 1 FOR UPDATE",
                (self._key, self._requests),
            ).fetchone()
            if budget is None or slot is None:
                raise LedgerError(f"The request budget {self._key!r} is missing from {self._display}.")
            now: dt.datetime = budget["now"]
            waits = [_seconds(budget["blocked_until"], now)]
            remaining, reset_at = budget["server_remaining"], budget["server_reset_at"]
            if remaining is not None and remaining <= 0:
                waits.append(_seconds(reset_at, now))
            if slot["holder"] is not None and slot["free_at"] > now:
                waits.append(IN_FLIGHT_POLL_SECONDS)  # every slot is in flight: look again shortly
            else:
                waits.append(_seconds(slot["free_at"], now))
            delay = max(waits)
            if delay > 0:
                return delay
            token = uuid.uuid4().hex
            cur.execute(
                "UPDATE rate_slots SET free_at = clock_timestamp() + make_interval(secs => %s), holder = %s"
                " WHERE key = %s AND slot = %s",
                (self._hold, token, self._key, slot["slot"]),
            )
            if remaining is not None and reset_at is not None and now < reset_at:
                cur.execute(
                    "UPDATE rate_budgets SET server_remaining = server_remaining - 1 WHERE key = %s",
                    (self._key,),
                )
        return PostgresPermit(self, slot["slot"], token)

    def _release(self, slot: int, token: str, headers: Mapping[str, str], rate_limited: bool) -> None:
        remaining = _header_number(headers, "x-rate-limit-remaining", "x-ratelimit-remaining")
        reset = _header_number(headers, "x-rate-limit-reset", "x-ratelimit-reset")
        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute(
                    "UPDATE rate_slots SET free_at = clock_timestamp() + make_interval(secs => %s),"
                    " holder = NULL WHERE key = %s AND slot = %s AND holder = %s",
                    (self._window, self._key, slot, token),
                )
                if remaining is not None and reset is not None:
                    conn.execute(
                        "UPDATE rate_budgets SET server_remaining = %s,"
                        " server_reset_at = clock_timestamp() + make_interval(secs => %s) WHERE key = %s",
                        (int(remaining), reset + RESET_MARGIN_SECONDS, self._key),
                    )
                if rate_limited:
                    pause = reset if reset is not None else self._window
                    conn.execute(
                        "UPDATE rate_budgets SET blocked_until = GREATEST(blocked_until,"
                        " clock_timestamp() + make_interval(secs => %s)) WHERE key = %s",
                        (pause + RESET_MARGIN_SECONDS, self._key),
                    )
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            # The slot stays held until hold_seconds pass: fewer requests for a while, never more.
            log.warning("Could not return a request slot to %s (%s).", self._display, type(exc).__name__)


def _seconds(until: dt.datetime | None, now: dt.datetime) -> float:
    return -math.inf if until is None else (until - now).total_seconds()


def _header_number(headers: Mapping[str, str], *names: str) -> float | None:
    # The client's limiter reads the same headers; the ledger may not import the client, so the few
    # lines are repeated here.
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in names:
        value = lowered.get(name)
        if value is None:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number) and number >= 0:
            return number
    return None
