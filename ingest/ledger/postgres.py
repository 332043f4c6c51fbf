"""The PostgreSQL ledger backend: one ledger shared by several processes and hosts.

Same rows, states and checks as the SQLite ledger (``ingest.ledger.interface``), plus what sharing
needs. A row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED``: ``claimed_by`` names this process
(``host/pid/random``) and ``lease_until`` (the server's clock) runs out unless a heartbeat thread renews
it, so a dead host's rows become claimable again. Every write locks its row and is fenced: a row this
process claimed must still be claimed by it, and a row it did not claim must not be held by another
live worker; otherwise ``LeaseLostError`` and nothing is written. Two hosts finding the same new file
at once get the same row (the insert is serialised per path by an advisory lock). Schema migrations
run at open under an advisory lock (``ingest.ledger.migrations``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg_pool import ConnectionPool

from ingest.errors import LeaseLostError, LedgerError, LedgerUnavailableError
from ingest.ledger.claims import LocalClaims
from ingest.ledger.forcings import Forcing
from ingest.ledger.heartbeat import Heartbeat
from ingest.ledger.instances import default_host_id, new_instance_id
from ingest.ledger.interface import Ledger
from ingest.ledger.location import dsn_secrets, redact_dsn
from ingest.ledger.migrations import migrate_postgres
from ingest.ledger.postgres_claims import PostgresClaims
from ingest.ledger.postgres_connect import first_connection, reason_of
from ingest.ledger.postgres_reads import Cursor
from ingest.ledger.postgres_schema import POSTGRES_MIGRATIONS
from ingest.ledger.records import TERMINAL, FileRecord, State, check_transition
from ingest.ledger.server_clock import ServerClockOffset, follows_real_clock
from ingest.ledger.sqlite_rows import COLUMNS
from ingest.ledger.state_changes import StateChanges, error_json
from ingest.models import SourceFile

log = logging.getLogger("ingest.ledger")


class PostgresLedger(StateChanges, PostgresClaims, Ledger):
    """The ledger in a PostgreSQL database; safe to share between threads, processes and hosts.

    ``lease_seconds``: how long a claim lasts without renewal (renewed every third of it); also how
    long an instance may miss heartbeats before it counts as dead.
    """

    def __init__(
        self,
        dsn: str,
        *,
        clock: Callable[[], float] = time.time,
        host_id: str | None = None,
        lease_seconds: float = 60.0,
        pool_size: int = 10,
        connect_timeout: float = 10.0,
    ) -> None:
        if lease_seconds <= 0:
            raise LedgerError(f"A lease of {lease_seconds!r} s is invalid; expected more than zero seconds.")
        self._display = redact_dsn(dsn)
        self._secrets = tuple(dsn_secrets(dsn))
        self._clock = clock
        self._server_clock = ServerClockOffset(clock, follow=follows_real_clock(clock))
        self._host = host_id or default_host_id()
        self._owner = new_instance_id(self._host)
        self._lease_seconds = float(lease_seconds)
        self._claims = LocalClaims()
        self._registered = False
        self._heartbeat = Heartbeat(self._beat, interval=lease_seconds / 3, name="ledger-leases")
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=connect_timeout,
            check=ConnectionPool.check_connection,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(connect_timeout))},
            name="ledger",
        )
        try:
            with first_connection(dsn, timeout=connect_timeout) as conn:
                migrate_postgres(conn, POSTGRES_MIGRATIONS)
                self._server_clock.measure(conn.cursor())
            self._pool.open(wait=True, timeout=connect_timeout)
        except psycopg.Error as exc:
            self._pool.close()
            raise LedgerUnavailableError(
                f"The PostgreSQL ledger {self._display} could not be opened: {reason_of(exc, dsn)}. "
                "Expected a reachable server and a database this user may create tables in.",
                ledger=self._display,
            ) from None

    def __repr__(self) -> str:
        return f"PostgresLedger({self._display!r}, owner={self._owner!r})"

    def __enter__(self) -> PostgresLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._heartbeat.stop()
        ids = self._claims.clear()
        try:
            with self._tx() as cur:
                if ids:
                    cur.execute(
                        "UPDATE files SET claimed_by = NULL, lease_until = NULL"
                        " WHERE id = ANY(%s) AND claimed_by = %s",
                        (ids, self._owner),
                    )
                if self._registered:
                    cur.execute(
                        "UPDATE instances SET state = 'stopped', heartbeat_at = clock_timestamp()"
                        " WHERE id = %s",
                        (self._owner,),
                    )
        except LedgerUnavailableError as exc:
            log.warning("%s; its claims will run out by themselves.", exc.message)
        finally:
            self._registered = False
            self._pool.close()

    def now(self) -> float:
        return self._retry_time(self._clock())

    def _now(self) -> str:
        # Rows' and events' times on the server's clock, like heartbeats and leases: one clock for every host.
        return dt.datetime.fromtimestamp(self.now(), dt.UTC).isoformat(timespec="milliseconds")

    def _retry_time(self, retry_at: float) -> float:
        stored = self._server_clock.to_server(retry_at)
        assert stored is not None
        return stored

    # -- state changes ------------------------------------------------------------------------------------

    def record_discovered(
        self,
        source: SourceFile,
        *,
        root: Path | None = None,
        forced: bool = False,
        forcing: Forcing | None = None,
    ) -> FileRecord:
        forcing = forcing if forced else None
        now = self._now()
        path = str(source.path)
        with self._tx() as cur:
            # Two hosts finding the same file at once: the second waits here, then finds the first's row.
            cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (path,))
            row = cur.execute(
                "SELECT * FROM files WHERE path = %s AND size = %s AND mtime_ns = %s AND sha256 = %s"
                " ORDER BY id DESC LIMIT 1",
                (path, source.size, source.mtime_ns, source.sha256),
            ).fetchone()
            # A forced version whose row is unfinished (the forcing command was killed) is resumed: a
            # new generation beside it would leave its run without its results. One that a forcing this
            # one covers made (a killed forcing run again) is not forced a second time.
            if row is not None and (
                not forced
                or (bool(row["forced"]) and row["state"] not in TERMINAL)
                or (forcing is not None and forcing.forced(row["forcing"]))
            ):
                return self._record(row)
            previous = cur.execute("SELECT max(id) AS id FROM files WHERE path = %s", (path,)).fetchone()
            row = cur.execute(
                "INSERT INTO files (path, root, size, mtime_ns, sha256, state, forced, forcing,"
                " previous_version, discovered_host, discovered_by, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s, 'discovered', %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                (
                    path,
                    str(root) if root is not None else None,
                    source.size,
                    source.mtime_ns,
                    source.sha256,
                    forced,
                    forcing.id if forcing is not None else None,
                    previous["id"] if previous is not None else None,
                    self._host,
                    self._owner,
                    now,
                    now,
                ),
            ).fetchone()
            assert row is not None
            cur.execute(
                "INSERT INTO events (file_id, at, from_state, to_state) VALUES (%s, %s, NULL, 'discovered')",
                (row["id"], now),
            )
        return self._record(row)

    def begin_forcing(self, command: str) -> Forcing:
        with self._tx() as cur:
            still_open = [r["id"] for r in cur.execute("SELECT id FROM forcings WHERE finished_at IS NULL")]
            row = cur.execute(
                "INSERT INTO forcings (command) VALUES (%s) RETURNING id", (command,)
            ).fetchone()
        assert row is not None
        return Forcing(int(row["id"]), frozenset([*still_open, int(row["id"])]))

    def finish_forcing(self, forcing: Forcing) -> None:
        with self._tx() as cur:
            cur.execute(
                "UPDATE forcings SET finished_at = clock_timestamp()"
                " WHERE id = ANY(%s) AND finished_at IS NULL",
                (sorted(forcing.covers),),
            )

    # -- checkpoints within a state -----------------------------------------------------------------------

    def record_blob(self, file_id: int, key: str, blob_id: str) -> FileRecord:
        with self._tx() as cur:
            row = self._lock_row(cur, file_id)
            blobs = json.loads(row["blob_ids"])
            blobs[key] = blob_id
            return self._write(cur, file_id, {"blob_ids": json.dumps(blobs)})

    def record_transient_failure(
        self, file_id: int, error: Mapping[str, Any], *, retry_at: float
    ) -> FileRecord:
        now = self._now()
        with self._tx() as cur:
            state = self._lock_row(cur, file_id)["state"]
            cur.execute(
                "UPDATE files SET attempts = attempts + 1 WHERE id = %s",
                (file_id,),
            )
            values = {"last_error": error_json(error), "next_attempt_at": self._retry_time(retry_at)}
            record = self._write(cur, file_id, values)
            cur.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (%s, %s, %s, %s, %s)",
                (file_id, now, state, state, f"transient: {error.get('message', '')}"),
            )
        return record

    def record_attachments(self, file_id: int, paths: Sequence[Path]) -> None:
        if not paths:
            return
        with self._tx() as cur:
            cur.executemany(
                "INSERT INTO attachments (path, file_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [(str(p), file_id) for p in paths],
            )

    def add_counter(self, name: str, amount: int = 1) -> None:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO counters (name, value) VALUES (%s, %s)"
                " ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value",
                (name, amount),
            )

    # -- internals ----------------------------------------------------------------------------------------

    def _lock_row(self, cur: Cursor, file_id: int) -> dict[str, Any]:
        """Lock the row for this write and check the fence (see the module's docstring)."""
        row = cur.execute(
            "SELECT state, blob_ids, claimed_by, lease_until > clock_timestamp() AS live"
            " FROM files WHERE id = %s FOR UPDATE",
            (file_id,),
        ).fetchone()
        if row is None:
            raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        holder = row["claimed_by"]
        if self._claims.owns(file_id) and holder != self._owner:
            raise LeaseLostError(
                f"Ledger row {file_id} is no longer claimed by this worker ({self._owner}): its lease ran "
                f"out and {holder or 'nobody'} holds it now, so this write was refused.",
                file_id=file_id,
                holder=holder,
            )
        if not self._claims.owns(file_id) and holder not in (None, self._owner) and row["live"]:
            raise LeaseLostError(
                f"Ledger row {file_id} is being worked on by {holder}; this write from {self._owner} "
                "was refused. Expected the row to be unclaimed or claimed by this worker.",
                file_id=file_id,
                holder=holder,
            )
        return row

    def _move(
        self, file_id: int, to_state: State, detail: str | None, values: Mapping[str, Any]
    ) -> FileRecord:
        """One checked state change with its column values, its event, and inflight/retry cleared."""
        now = self._now()
        with self._tx() as cur:
            current = cast(State, self._lock_row(cur, file_id)["state"])
            check_transition(file_id, current, to_state)
            columns = {"state": to_state, "inflight": None, "next_attempt_at": None, **values}
            record = self._write(cur, file_id, columns)
            cur.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (%s, %s, %s, %s, %s)",
                (file_id, now, current, to_state, detail),
            )
        return record

    def _set(self, file_id: int, values: Mapping[str, Any]) -> FileRecord:
        with self._tx() as cur:
            self._lock_row(cur, file_id)
            return self._write(cur, file_id, values)

    def _write(self, cur: Cursor, file_id: int, values: Mapping[str, Any]) -> FileRecord:
        # Column names come from this class's own methods only, never from callers.
        unknown = set(values) - COLUMNS
        if unknown:
            raise LedgerError(f"Ledger has no column(s) {sorted(unknown)}.", file_id=file_id)
        columns = ", ".join(f"{name} = %s" for name in values)
        row = cur.execute(
            f"UPDATE files SET {columns}, updated_at = %s WHERE id = %s RETURNING *",
            [*values.values(), self._now(), file_id],
        ).fetchone()
        assert row is not None
        return self._record(row)
