"""The PostgreSQL ledger's connection handling and its reads (every query that changes nothing).

Connections come from a psycopg pool; each call is one transaction. A server that cannot be reached
(down, restarting, a network cut, a pool with no connection to give) is one error for the pipeline:
``LedgerUnavailableError``, retryable, whose message names the ledger without its password.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ingest.errors import LedgerError, LedgerUnavailableError
from ingest.ledger.instances import InstanceRecord, InstanceState, folders_from_json, snapshot_from_json
from ingest.ledger.records import STATES, TERMINAL, FileRecord, State
from ingest.ledger.server_clock import ServerClockOffset
from ingest.ledger.sqlite_rows import record_from_row

Cursor = psycopg.Cursor[dict[str, Any]]
TERMINAL_STATES = sorted(TERMINAL)


class PostgresReads:
    """Queries over the shared tables; ``_tx`` is the one way any query reaches the server."""

    _pool: ConnectionPool[psycopg.Connection[Any]]
    _clock: Callable[[], float]
    #: The ledger's URL without its password, for messages.
    _display: str
    #: Strings that must never appear in a message (the password).
    _secrets: Sequence[str]
    _lease_seconds: float
    #: Retry times are stored on the server's clock (``ingest.ledger.server_clock``).
    _server_clock: ServerClockOffset

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        """One transaction; connection-level failures become LedgerUnavailableError."""
        try:
            with (
                self._pool.connection() as conn,
                conn.transaction(),
                conn.cursor(row_factory=dict_row) as cur,
            ):
                yield cur
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise LedgerUnavailableError(
                f"The PostgreSQL ledger {self._display} cannot be reached: {self._scrub(str(exc))}. "
                "Expected a running server; the work is tried again later.",
                ledger=self._display,
            ) from None

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text.strip().rstrip(".")

    def _record(self, row: dict[str, Any]) -> FileRecord:
        record = record_from_row(row)
        if record.next_attempt_at is None:
            return record
        local = self._server_clock.to_local(record.next_attempt_at)
        return dataclasses.replace(record, next_attempt_at=local)

    def _records(self, query: str, params: Sequence[Any] = ()) -> list[FileRecord]:
        with self._tx() as cur:
            return [self._record(r) for r in cur.execute(query, params).fetchall()]

    def _one(self, query: str, params: Sequence[Any] = ()) -> FileRecord | None:
        records = self._records(query, params)
        return records[0] if records else None

    # -- reads ------------------------------------------------------------------------------------------

    def get(self, file_id: int) -> FileRecord:
        record = self._one("SELECT * FROM files WHERE id = %s", (file_id,))
        if record is None:
            raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        return record

    def is_known(self, path: Path, size: int, mtime_ns: int) -> bool:
        with self._tx() as cur:
            row = cur.execute(
                "SELECT 1 AS known FROM files WHERE path = %s AND size = %s AND mtime_ns = %s LIMIT 1",
                (str(path), size, mtime_ns),
            ).fetchone()
        return row is not None

    def by_sha(self, sha256: str) -> list[FileRecord]:
        return self._records("SELECT * FROM files WHERE sha256 = %s ORDER BY id", (sha256,))

    def latest_at_path(self, path: Path, *, before_id: int | None = None) -> FileRecord | None:
        if before_id is None:
            return self._one("SELECT * FROM files WHERE path = %s ORDER BY id DESC LIMIT 1", (str(path),))
        return self._one(
            "SELECT * FROM files WHERE path = %s AND id < %s ORDER BY id DESC LIMIT 1", (str(path), before_id)
        )

    def pending(self, *, now: float | None = None, include_waiting: bool = False) -> list[FileRecord]:
        if include_waiting:
            return self._records(
                "SELECT * FROM files WHERE NOT (state = ANY(%s)) ORDER BY id", (TERMINAL_STATES,)
            )
        return self._records(
            "SELECT * FROM files WHERE NOT (state = ANY(%s))"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= %s) ORDER BY id",
            (TERMINAL_STATES, self._server_clock.to_server(self._clock() if now is None else now)),
        )

    def in_state(self, *states: State) -> list[FileRecord]:
        return self._records("SELECT * FROM files WHERE state = ANY(%s) ORDER BY id", (list(states),))

    def counts(self) -> dict[str, int]:
        with self._tx() as cur:
            rows = cur.execute("SELECT state, COUNT(*) AS n FROM files GROUP BY state").fetchall()
        counts: dict[str, int] = {state: 0 for state in STATES}
        counts.update({r["state"]: int(r["n"]) for r in rows})
        return counts

    def recent_failures(self, limit: int = 10) -> list[FileRecord]:
        return self._records(
            "SELECT * FROM files WHERE last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT %s",
            (limit,),
        )

    def last_success(self) -> FileRecord | None:
        return self._one("SELECT * FROM files WHERE state = 'done' ORDER BY updated_at DESC, id DESC LIMIT 1")

    def events(self, file_id: int) -> list[dict[str, Any]]:
        with self._tx() as cur:
            return cur.execute(
                "SELECT at, from_state, to_state, detail FROM events WHERE file_id = %s ORDER BY id",
                (file_id,),
            ).fetchall()

    def attachment_owners(self, path: Path) -> list[FileRecord]:
        return self._records(
            "SELECT files.* FROM attachments JOIN files ON files.id = attachments.file_id"
            " WHERE attachments.path = %s ORDER BY files.id DESC",
            (str(path),),
        )

    def attachment_paths(self, file_id: int) -> list[Path]:
        with self._tx() as cur:
            rows = cur.execute("SELECT path FROM attachments WHERE file_id = %s ORDER BY path", (file_id,))
            return [Path(r["path"]) for r in rows.fetchall()]

    def unfiled(self) -> list[FileRecord]:
        return self._records(
            "SELECT * FROM files WHERE state IN ('done', 'duplicate', 'failed')"
            " AND final_path IS NULL AND root IS NOT NULL ORDER BY id"
        )

    def counters(self) -> dict[str, int]:
        with self._tx() as cur:
            rows = cur.execute("SELECT name, value FROM counters").fetchall()
        return {r["name"]: int(r["value"]) for r in rows}

    def instances(self, *, include_finished: bool = False) -> list[InstanceRecord]:
        with self._tx() as cur:
            cur.execute(
                "UPDATE instances SET state = 'dead' WHERE state = 'running'"
                " AND heartbeat_at < clock_timestamp() - make_interval(secs => %s)",
                (self._lease_seconds,),
            )
            where = "" if include_finished else " WHERE state = 'running'"
            rows = cur.execute(f"SELECT * FROM instances{where} ORDER BY started_at DESC, id").fetchall()
        return [
            InstanceRecord(
                id=row["id"],
                host=row["host"],
                pid=row["pid"],
                command=row["command"],
                folders=folders_from_json(row["folders"]),
                started_at=cast(dt.datetime, row["started_at"]),
                heartbeat_at=cast(dt.datetime, row["heartbeat_at"]),
                state=cast(InstanceState, row["state"]),
                snapshot=snapshot_from_json(row["snapshot"]),
            )
            for row in rows
        ]
