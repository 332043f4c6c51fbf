"""The SQLite ledger backend: one database file (WAL mode), one row per file version.

Opening a ledger applies the numbered migrations it lacks (``ingest.ledger.migrations``), so a ledger
an earlier version left behind opens and is upgraded; plans are stored as JSON
(``ingest.ledger.plan_codec``) and handed back decoded. Every write is one transaction. One process
uses a SQLite ledger at a time, so claims live in this process only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from ingest.errors import LedgerError
from ingest.ledger.claims import LocalClaims
from ingest.ledger.forcings import Forcing
from ingest.ledger.instances import InstanceRecord, default_host_id, new_instance_id
from ingest.ledger.interface import Ledger
from ingest.ledger.migrations import migrate_sqlite
from ingest.ledger.records import TERMINAL, FileRecord, State, check_transition
from ingest.ledger.sqlite_instances import SqliteInstances
from ingest.ledger.sqlite_reads import SqliteReads
from ingest.ledger.sqlite_rows import COLUMNS, record_from_row
from ingest.ledger.state_changes import StateChanges, error_json
from ingest.ledger.steady_clock import SteadyClock
from ingest.models import SourceFile


class SqliteLedger(StateChanges, SqliteReads, Ledger):
    """The ledger in a SQLite file (or ``":memory:"``); safe to share between threads of one process.
    A registered instance heartbeats every ``heartbeat_seconds``; three missed beats mark it dead."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        host_id: str | None = None,
        heartbeat_seconds: float = 20.0,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        # Next-attempt times are stored and compared on a clock that does not step (see steady_clock);
        # ``monotonic``: what moves it on (by default the monotonic clock beside the wall clock).
        self._steady = SteadyClock(clock, monotonic)
        self._lock = threading.RLock()
        host = host_id or default_host_id()
        self._owner = new_instance_id(host)
        self._claims = LocalClaims()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate_sqlite(self._db)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"Ledger '{path}' could not be opened: {exc}.", file=str(path)) from exc
        self._instances = SqliteInstances(
            self._db,
            self._lock,
            owner=self._owner,
            host=host,
            clock=clock,
            heartbeat_seconds=heartbeat_seconds,
        )

    def close(self) -> None:
        self._claims.clear()
        self._instances.finish()
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _now(self) -> str:
        return dt.datetime.fromtimestamp(self._clock(), dt.UTC).isoformat(timespec="milliseconds")

    def now(self) -> float:
        return self._clock()

    def _retry_time(self, retry_at: float) -> float:
        return self._steady.from_wall(retry_at)

    def begin_forcing(self, command: str) -> Forcing:
        with self._tx() as db:
            still_open = [r[0] for r in db.execute("SELECT id FROM forcings WHERE finished_at IS NULL")]
            cur = db.execute(
                "INSERT INTO forcings (command, started_at) VALUES (?, ?)", (command, self._now())
            )
            new = cast(int, cur.lastrowid)
        return Forcing(new, frozenset([*still_open, new]))

    def finish_forcing(self, forcing: Forcing) -> None:
        now = self._now()
        with self._tx() as db:
            db.executemany(
                "UPDATE forcings SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                [(now, i) for i in sorted(forcing.covers)],
            )

    def instances(self, *, include_finished: bool = False) -> list[InstanceRecord]:
        return self._instances.read(include_finished=include_finished)

    # -- claims: this process is the ledger's only user, so they live here --------------------------

    @property
    def owner(self) -> str:
        return self._owner

    def claim(self, file_id: int) -> FileRecord | None:
        if self._claims.take(file_id) is False:
            return None
        try:
            return self.get(file_id)
        except BaseException:
            self._claims.drop(file_id)
            raise

    def release(self, file_id: int) -> None:
        self._claims.drop(file_id)

    def claim_due(
        self,
        *,
        limit: int | None = None,
        roots: Sequence[Path] = (),
        include_waiting: bool = False,
        now: float | None = None,
    ) -> list[FileRecord]:
        pending = self.pending(now=now, include_waiting=include_waiting)
        free = set(self._claims.unclaimed(r.id for r in pending))
        claimed = [r for r in pending if r.id in free][:limit]
        self._claims.reserve(r.id for r in claimed)
        return claimed

    def register_instance(self, command: str, folders: Sequence[Path] = ()) -> InstanceRecord:
        try:
            return self._instances.register(command, folders)
        except sqlite3.OperationalError as exc:  # read-only file or folder, a full disk
            raise LedgerError(
                f"Ledger '{self.path}' cannot be written ({exc}). Expected a ledger file (and folder) this "
                "account may write; --ledger or BENCHLING_INGEST_LEDGER names another.",
                file=str(self.path),
            ) from exc

    def publish_snapshot(self, snapshot: Mapping[str, Any]) -> None:
        self._instances.publish(snapshot)

    # -- state changes ------------------------------------------------------------------------

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
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM files WHERE path = ? AND size = ? AND mtime_ns = ? AND sha256 = ?"
                " ORDER BY id DESC LIMIT 1",
                (str(source.path), source.size, source.mtime_ns, source.sha256),
            ).fetchone()
            # A forced version whose row is unfinished (the forcing command was killed) is resumed: a
            # new generation beside it would leave its run without its results. One that a forcing this
            # one covers made (a killed forcing run again) is not forced a second time.
            if row is not None and (
                not forced
                or (bool(row["forced"]) and row["state"] not in TERMINAL)
                or (forcing is not None and forcing.forced(row["forcing"]))
            ):
                return record_from_row(row)
            previous = db.execute(
                "SELECT id FROM files WHERE path = ? ORDER BY id DESC LIMIT 1", (str(source.path),)
            ).fetchone()
            cur = db.execute(
                "INSERT INTO files (path, root, size, mtime_ns, sha256, state, forced, forcing,"
                " previous_version, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'discovered', ?, ?, ?, ?, ?)",
                (
                    str(source.path),
                    str(root) if root is not None else None,
                    source.size,
                    source.mtime_ns,
                    source.sha256,
                    int(forced),
                    forcing.id if forcing is not None else None,
                    previous["id"] if previous is not None else None,
                    now,
                    now,
                ),
            )
            file_id = cast(int, cur.lastrowid)
            db.execute(
                "INSERT INTO events (file_id, at, from_state, to_state) VALUES (?, ?, NULL, 'discovered')",
                (file_id, now),
            )
            row = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return record_from_row(row)

    # -- checkpoints within a state -------------------------------------------------------------------

    def record_blob(self, file_id: int, key: str, blob_id: str) -> FileRecord:
        with self._tx() as db:
            row = db.execute("SELECT blob_ids FROM files WHERE id = ?", (file_id,)).fetchone()
            blobs = json.loads(row["blob_ids"])
            blobs[key] = blob_id
            self._write(db, file_id, {"blob_ids": json.dumps(blobs)})
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return record_from_row(out)

    def record_transient_failure(
        self, file_id: int, error: Mapping[str, Any], *, retry_at: float
    ) -> FileRecord:
        now = self._now()
        with self._tx() as db:
            db.execute(
                "UPDATE files SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " updated_at = ? WHERE id = ?",
                (error_json(error), self._retry_time(retry_at), now, file_id),
            )
            state = db.execute("SELECT state FROM files WHERE id = ?", (file_id,)).fetchone()["state"]
            db.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)",
                (file_id, now, state, state, f"transient: {error.get('message', '')}"),
            )
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return record_from_row(out)

    def record_attachments(self, file_id: int, paths: Sequence[Path]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO attachments (path, file_id) VALUES (?, ?)",
                [(str(p), file_id) for p in paths],
            )

    def add_counter(self, name: str, amount: int = 1) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, amount),
            )

    # -- internals ------------------------------------------------------------------------------------

    def _move(
        self, file_id: int, to_state: State, detail: str | None, values: Mapping[str, Any]
    ) -> FileRecord:
        """One checked state change with its column values, its event, and inflight/retry cleared."""
        now = self._now()
        with self._tx() as db:
            row = db.execute("SELECT state FROM files WHERE id = ?", (file_id,)).fetchone()
            if row is None:
                raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
            current = cast(State, row["state"])
            check_transition(file_id, current, to_state)
            columns = {"state": to_state, "inflight": None, "next_attempt_at": None, **values}
            self._write(db, file_id, columns)
            db.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)",
                (file_id, now, current, to_state, detail),
            )
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return record_from_row(out)

    def _set(self, file_id: int, values: Mapping[str, Any]) -> FileRecord:
        with self._tx() as db:
            self._write(db, file_id, values)
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        if out is None:
            raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        return record_from_row(out)

    def _write(self, db: sqlite3.Connection, file_id: int, values: Mapping[str, Any]) -> None:
        # Column names come from this class's own methods only, never from callers.
        unknown = set(values) - COLUMNS
        if unknown:
            raise LedgerError(f"Ledger has no column(s) {sorted(unknown)}.", file_id=file_id)
        columns = ", ".join(f"{name} = ?" for name in values)
        db.execute(
            f"UPDATE files SET {columns}, updated_at = ? WHERE id = ?",
            [*values.values(), self._now(), file_id],
        )
