"""The SQLite ledger's reads (every query that changes nothing), shared with the ledger's writes
through one connection and lock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.errors import LedgerError
from ingest.ledger.records import STATES, TERMINAL, FileRecord, State
from ingest.ledger.sqlite_rows import record_from_row
from ingest.ledger.steady_clock import LONGEST_WAIT_SECONDS, SteadyClock


class SqliteReads:
    """Queries over ``files``, ``events``, ``attachments`` and ``counters``."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _clock: Callable[[], float]
    _steady: SteadyClock

    def get(self, file_id: int) -> FileRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        if row is None:
            raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        return record_from_row(row)

    def is_known(self, path: Path, size: int, mtime_ns: int) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM files WHERE path = ? AND size = ? AND mtime_ns = ? LIMIT 1",
                (str(path), size, mtime_ns),
            ).fetchone()
        return row is not None

    def by_sha(self, sha256: str) -> list[FileRecord]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM files WHERE sha256 = ? ORDER BY id", (sha256,)).fetchall()
        return [record_from_row(r) for r in rows]

    def latest_at_path(self, path: Path, *, before_id: int | None = None) -> FileRecord | None:
        query = "SELECT * FROM files WHERE path = ?"
        args: list[Any] = [str(path)]
        if before_id is not None:
            query += " AND id < ?"
            args.append(before_id)
        with self._lock:
            row = self._db.execute(query + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return record_from_row(row) if row is not None else None

    def pending(self, *, now: float | None = None, include_waiting: bool = False) -> list[FileRecord]:
        placeholders = ",".join("?" for _ in TERMINAL)
        query = f"SELECT * FROM files WHERE state NOT IN ({placeholders})"
        args: list[Any] = list(TERMINAL)
        if not include_waiting:
            # Stored on the steady clock; one further ahead than any planned wait was stored before the
            # wall clock stepped back in another process, and is due (ingest.ledger.steady_clock).
            steady_now = self._steady() if now is None else self._steady.from_wall(now)
            query += " AND (next_attempt_at IS NULL OR next_attempt_at <= ? OR next_attempt_at > ?)"
            args += [steady_now, steady_now + LONGEST_WAIT_SECONDS]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [record_from_row(r) for r in rows]

    def in_state(self, *states: State) -> list[FileRecord]:
        placeholders = ",".join("?" for _ in states)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM files WHERE state IN ({placeholders}) ORDER BY id", states
            ).fetchall()
        return [record_from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) AS n FROM files GROUP BY state").fetchall()
        counts: dict[str, int] = {state: 0 for state in STATES}
        counts.update({r["state"]: r["n"] for r in rows})
        return counts

    def recent_failures(self, limit: int = 10) -> list[FileRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM files WHERE last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [record_from_row(r) for r in rows]

    def last_success(self) -> FileRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM files WHERE state = 'done' ORDER BY updated_at DESC, id DESC LIMIT 1"
            ).fetchone()
        return record_from_row(row) if row is not None else None

    def events(self, file_id: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, from_state, to_state, detail FROM events WHERE file_id = ? ORDER BY id",
                (file_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def attachment_owners(self, path: Path) -> list[FileRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT files.* FROM attachments JOIN files ON files.id = attachments.file_id"
                " WHERE attachments.path = ? ORDER BY files.id DESC",
                (str(path),),
            ).fetchall()
        return [record_from_row(r) for r in rows]

    def unfiled(self) -> list[FileRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM files WHERE state IN ('done', 'duplicate', 'failed')"
                " AND final_path IS NULL AND root IS NOT NULL ORDER BY id"
            ).fetchall()
        return [record_from_row(r) for r in rows]

    def attachment_paths(self, file_id: int) -> list[Path]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path FROM attachments WHERE file_id = ? ORDER BY path", (file_id,)
            )
            return [Path(r["path"]) for r in rows.fetchall()]

    def counters(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT name, value FROM counters").fetchall()
        return {r["name"]: r["value"] for r in rows}
