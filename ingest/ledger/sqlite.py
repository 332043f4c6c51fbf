"""The ledger: one SQLite row per file version, its state and every remote id, saved before each call.

States are literal and move forward only::

    discovered -> planned -> blobs_uploaded -> run_created -> done
        \\-> failed (quarantined, terminal until retried)      \\-> duplicate (same content seen before)
        \\-> attachment (a file no parser reads that an ingested export uploaded as its attachment)

``planned`` stores the whole RunPlan, client-generated run and result ids included, so a resumed file
sends the very same ids. Before each remote write the step is written to ``inflight``; a row found
with ``inflight`` set after a crash means the call may have reached Benchling, and the uploader asks
Benchling before sending again. Transient failures keep the row in its state with ``next_attempt_at``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from ingest.errors import LedgerError
from ingest.models import SourceFile

State = Literal[
    "discovered", "planned", "blobs_uploaded", "run_created", "done", "failed", "duplicate", "attachment"
]
STATES: tuple[State, ...] = get_args(State)
TERMINAL: frozenset[State] = frozenset({"done", "failed", "duplicate", "attachment"})

_ALLOWED: dict[State, frozenset[State]] = {
    "discovered": frozenset({"planned", "failed", "duplicate", "attachment"}),
    "planned": frozenset({"blobs_uploaded", "failed"}),
    "blobs_uploaded": frozenset({"run_created", "failed"}),
    "run_created": frozenset({"done", "failed"}),
    "done": frozenset(),
    # A quarantined file may be put back in line (retry) or found to be a duplicate on its next try.
    "failed": frozenset({"discovered"}),
    "duplicate": frozenset({"discovered"}),
    "attachment": frozenset({"discovered"}),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    root TEXT,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    state TEXT NOT NULL,
    parser TEXT,
    plan TEXT,
    run_id TEXT,
    blob_ids TEXT NOT NULL DEFAULT '{}',
    transaction_id TEXT,
    result_ids TEXT NOT NULL DEFAULT '[]',
    inflight TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    last_error TEXT,
    duplicate_of INTEGER,
    previous_version INTEGER,
    final_path TEXT,
    forced INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_version ON files (path, size, mtime_ns);
CREATE INDEX IF NOT EXISTS files_sha ON files (sha256);
CREATE INDEX IF NOT EXISTS files_state ON files (state);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    at TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS attachments (
    path TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (path, file_id)
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class FileRecord:
    """One ledger row, as read."""

    id: int
    path: Path
    root: Path | None
    size: int
    mtime_ns: int
    sha256: str
    state: State
    parser: str | None
    plan: dict[str, Any] | None
    run_id: str | None
    blob_ids: dict[str, str]
    transaction_id: str | None
    result_ids: list[str]
    inflight: str | None
    attempts: int
    next_attempt_at: float | None
    last_error: dict[str, Any] | None
    duplicate_of: int | None
    previous_version: int | None
    final_path: Path | None
    forced: bool
    created_at: str
    updated_at: str

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL


class Ledger:
    """SQLite-backed file ledger (WAL mode); safe to share between threads of one process."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"Ledger '{path}' could not be opened: {exc}.", file=str(path)) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------------

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

    # -- reads --------------------------------------------------------------------------------

    def get(self, file_id: int) -> FileRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        if row is None:
            raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        return _record(row)

    def is_known(self, path: Path, size: int, mtime_ns: int) -> bool:
        """True when this exact version of ``path`` (size and mtime) is already recorded."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM files WHERE path = ? AND size = ? AND mtime_ns = ? LIMIT 1",
                (str(path), size, mtime_ns),
            ).fetchone()
        return row is not None

    def by_sha(self, sha256: str) -> list[FileRecord]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM files WHERE sha256 = ? ORDER BY id", (sha256,)).fetchall()
        return [_record(r) for r in rows]

    def latest_at_path(self, path: Path, *, before_id: int | None = None) -> FileRecord | None:
        query = "SELECT * FROM files WHERE path = ?"
        args: list[Any] = [str(path)]
        if before_id is not None:
            query += " AND id < ?"
            args.append(before_id)
        with self._lock:
            row = self._db.execute(query + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return _record(row) if row is not None else None

    def pending(self, *, now: float | None = None, include_waiting: bool = False) -> list[FileRecord]:
        """Unfinished rows, oldest first; rows waiting for a retry time are left out unless asked."""
        placeholders = ",".join("?" for _ in TERMINAL)
        query = f"SELECT * FROM files WHERE state NOT IN ({placeholders})"
        args: list[Any] = list(TERMINAL)
        if not include_waiting:
            query += " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            args.append(self._clock() if now is None else now)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [_record(r) for r in rows]

    def in_state(self, *states: State) -> list[FileRecord]:
        placeholders = ",".join("?" for _ in states)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM files WHERE state IN ({placeholders}) ORDER BY id", states
            ).fetchall()
        return [_record(r) for r in rows]

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
        return [_record(r) for r in rows]

    def last_success(self) -> FileRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM files WHERE state = 'done' ORDER BY updated_at DESC, id DESC LIMIT 1"
            ).fetchone()
        return _record(row) if row is not None else None

    def events(self, file_id: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, from_state, to_state, detail FROM events WHERE file_id = ? ORDER BY id",
                (file_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    # -- writes -------------------------------------------------------------------------------

    def record_discovered(
        self, source: SourceFile, *, root: Path | None = None, forced: bool = False
    ) -> FileRecord:
        """Insert a row for this file version, or return the newest existing one (same path, size,
        mtime and hash). ``forced`` always inserts a new row: the file is ingested again."""
        now = self._now()
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM files WHERE path = ? AND size = ? AND mtime_ns = ? AND sha256 = ?"
                " ORDER BY id DESC LIMIT 1",
                (str(source.path), source.size, source.mtime_ns, source.sha256),
            ).fetchone()
            if row is not None and not forced:
                return _record(row)
            previous = db.execute(
                "SELECT id FROM files WHERE path = ? ORDER BY id DESC LIMIT 1", (str(source.path),)
            ).fetchone()
            cur = db.execute(
                "INSERT INTO files (path, root, size, mtime_ns, sha256, state, forced, previous_version,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'discovered', ?, ?, ?, ?)",
                (
                    str(source.path),
                    str(root) if root is not None else None,
                    source.size,
                    source.mtime_ns,
                    source.sha256,
                    int(forced),
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
        return _record(row)

    def transition(
        self, file_id: int, to_state: State, *, detail: str | None = None, **updates: Any
    ) -> FileRecord:
        """Move a row to ``to_state`` (checked against the allowed transitions) with column updates.

        Clears ``inflight`` and the retry schedule unless ``updates`` sets them.
        """
        now = self._now()
        with self._tx() as db:
            row = db.execute("SELECT state FROM files WHERE id = ?", (file_id,)).fetchone()
            if row is None:
                raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
            current = cast(State, row["state"])
            if to_state not in _ALLOWED[current]:
                raise LedgerError(
                    f"Ledger row {file_id} cannot move from '{current}' to '{to_state}'.",
                    file_id=file_id,
                    state=current,
                )
            values = {"inflight": None, "next_attempt_at": None, **updates}
            self._update(db, file_id, {"state": to_state, "updated_at": now, **values})
            db.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)",
                (file_id, now, current, to_state, detail),
            )
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return _record(out)

    def update(self, file_id: int, **updates: Any) -> FileRecord:
        """Change columns without a state change (inflight step, a blob id, the transaction id)."""
        with self._tx() as db:
            self._update(db, file_id, {"updated_at": self._now(), **updates})
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return _record(out)

    def record_blob(self, file_id: int, key: str, blob_id: str) -> FileRecord:
        """Store one uploaded blob's id at once: an unlinked blob cannot be found again later."""
        with self._tx() as db:
            row = db.execute("SELECT blob_ids FROM files WHERE id = ?", (file_id,)).fetchone()
            blobs = json.loads(row["blob_ids"])
            blobs[key] = blob_id
            self._update(db, file_id, {"blob_ids": blobs, "updated_at": self._now()})
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return _record(out)

    def record_transient_failure(
        self, file_id: int, error: Mapping[str, Any], *, retry_at: float
    ) -> FileRecord:
        """Keep the row in its state, count the attempt and schedule the next one."""
        now = self._now()
        with self._tx() as db:
            db.execute(
                "UPDATE files SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " updated_at = ? WHERE id = ?",
                (json.dumps(dict(error), default=str), retry_at, now, file_id),
            )
            state = db.execute("SELECT state FROM files WHERE id = ?", (file_id,)).fetchone()["state"]
            db.execute(
                "INSERT INTO events (file_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)",
                (file_id, now, state, state, f"transient: {error.get('message', '')}"),
            )
            out = db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return _record(out)

    def record_attachments(self, file_id: int, paths: list[Path]) -> None:
        """Remember which files in the drop folder an export will upload as its attachments."""
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO attachments (path, file_id) VALUES (?, ?)",
                [(str(p), file_id) for p in paths],
            )

    def attachment_owners(self, path: Path) -> list[FileRecord]:
        """Rows of exports that name ``path`` as an attachment, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT files.* FROM attachments JOIN files ON files.id = attachments.file_id"
                " WHERE attachments.path = ? ORDER BY files.id DESC",
                (str(path),),
            ).fetchall()
        return [_record(r) for r in rows]

    def unfiled(self) -> list[FileRecord]:
        """Finished rows of watched files whose move to the archive or quarantine is not recorded."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM files WHERE state IN ('done', 'duplicate', 'failed')"
                " AND final_path IS NULL AND root IS NOT NULL ORDER BY id"
            ).fetchall()
        return [_record(r) for r in rows]

    def attachment_paths(self, file_id: int) -> list[Path]:
        with self._lock:
            rows = self._db.execute(
                "SELECT path FROM attachments WHERE file_id = ? ORDER BY path", (file_id,)
            )
            return [Path(r["path"]) for r in rows.fetchall()]

    def add_counter(self, name: str, amount: int = 1) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, amount),
            )

    def counters(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT name, value FROM counters").fetchall()
        return {r["name"]: r["value"] for r in rows}

    @staticmethod
    def _update(db: sqlite3.Connection, file_id: int, values: Mapping[str, Any]) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        db.execute(f"UPDATE files SET {columns} WHERE id = ?", [*map(_encode, values.values()), file_id])


def _encode(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str)
    if isinstance(value, bool):
        return int(value)
    return value


def _decode_json(text: str | None) -> Any:
    return json.loads(text) if text else None


def _record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(
        id=row["id"],
        path=Path(row["path"]),
        root=Path(row["root"]) if row["root"] else None,
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        sha256=row["sha256"],
        state=cast(State, row["state"]),
        parser=row["parser"],
        plan=_decode_json(row["plan"]),
        run_id=row["run_id"],
        blob_ids=json.loads(row["blob_ids"]),
        transaction_id=row["transaction_id"],
        result_ids=json.loads(row["result_ids"]),
        inflight=row["inflight"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=_decode_json(row["last_error"]),
        duplicate_of=row["duplicate_of"],
        previous_version=row["previous_version"],
        final_path=Path(row["final_path"]) if row["final_path"] else None,
        forced=bool(row["forced"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def records_summary(records: Sequence[FileRecord]) -> list[dict[str, Any]]:
    """A JSON-ready view of rows for the status command."""
    return [
        {
            "id": r.id,
            "path": str(r.path),
            "state": r.state,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "updated_at": r.updated_at,
        }
        for r in records
    ]
