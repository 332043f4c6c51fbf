"""The sandbox's mutable state: runs, results, blobs, result transactions and tasks.

Records live in memory (ordered by insertion); with a ``state_file`` every write is also committed to
SQLite (stdlib ``sqlite3``) in one transaction per call, and the records are reloaded at start-up, so
state survives a restart. Blob bytes are not here: see ``blob_storage``.

Record layout (JSON-able dicts): runs ``{"doc", "values"}``; results ``{"doc", "values", "committed",
"transactionId"}``; blobs ``{"doc", "size", "md5", "parts"}``; transactions ``{"id", "status"}``;
tasks ``{"doc", "pending", "pollsLeft"}``. ``doc`` is exactly what the API returns.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

Kind = Literal["runs", "results", "blobs", "transactions", "tasks"]
KINDS: tuple[Kind, ...] = ("runs", "results", "blobs", "transactions", "tasks")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class Store:
    """Thread-safe record store; reads return deep copies so callers cannot change stored state."""

    def __init__(self, state_file: Path | None = None) -> None:
        self._lock = threading.RLock()
        self._records: dict[Kind, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self._seq = 0
        self._db: sqlite3.Connection | None = None
        if state_file is not None:
            state_file.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(state_file, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._load()

    def _load(self) -> None:
        assert self._db is not None
        for kind, record_id, seq, body in self._db.execute(
            "SELECT kind, id, seq, body FROM records ORDER BY seq"
        ):
            if kind in self._records:
                self._records[kind][record_id] = json.loads(body)
                self._seq = max(self._seq, seq)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- generic access -------------------------------------------------------------------------------

    def get(self, kind: Kind, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._records[kind].get(record_id)
            return copy.deepcopy(record) if record is not None else None

    def contains(self, kind: Kind, record_id: str) -> bool:
        with self._lock:
            return record_id in self._records[kind]

    def all(self, kind: Kind) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._records[kind].values()))

    def put(self, kind: Kind, record_id: str, record: dict[str, Any]) -> None:
        self.put_many([(kind, record_id, record)])

    def put_many(self, writes: Iterable[tuple[Kind, str, dict[str, Any]]]) -> None:
        """Insert or replace several records atomically (all or nothing, also on disk)."""
        writes = [(kind, record_id, copy.deepcopy(record)) for kind, record_id, record in writes]
        with self._lock:
            rows = []
            seq = self._seq
            for kind, record_id, record in writes:
                seq += 1
                rows.append((kind, record_id, seq, json.dumps(record)))
            if self._db is not None:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    # Replacing keeps the original insertion order: seq stays that of the first write.
                    self._db.executemany(
                        "INSERT INTO records (kind, id, seq, body) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                        rows,
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            self._seq = seq
            for kind, record_id, record in writes:
                self._records[kind][record_id] = record

    def delete_many(self, kind: Kind, record_ids: Iterable[str]) -> None:
        """Remove records atomically (unknown ids are ignored)."""
        ids = list(record_ids)
        with self._lock:
            if self._db is not None:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.executemany(
                        "DELETE FROM records WHERE kind = ? AND id = ?", [(kind, i) for i in ids]
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            for record_id in ids:
                self._records[kind].pop(record_id, None)

    # -- read access for tests and the HTML page ------------------------------------------------------

    def runs(self) -> list[dict[str, Any]]:
        """Every stored assay run as the API returns it."""
        return [r["doc"] for r in self.all("runs")]

    def results(
        self, run_id: str | None = None, *, include_uncommitted: bool = False
    ) -> list[dict[str, Any]]:
        """Stored results as the API returns them; uncommitted transaction results only on request."""
        return [r["doc"] for r in self.result_records(run_id) if r["committed"] or include_uncommitted]

    def result_records(self, run_id: str | None = None) -> list[dict[str, Any]]:
        """Full result records: ``doc``, ``values``, ``committed`` and ``transactionId``."""
        return [r for r in self.all("results") if run_id is None or run_id in linked_run_ids(r)]

    def blobs(self) -> list[dict[str, Any]]:
        """Every blob as the API returns it (any upload status)."""
        return [r["doc"] for r in self.all("blobs")]

    def transactions(self) -> list[dict[str, Any]]:
        return self.all("transactions")

    def tasks(self) -> list[dict[str, Any]]:
        return [r["doc"] for r in self.all("tasks")]


def linked_run_ids(result_record: dict[str, Any]) -> set[str]:
    """Run ids a result links to through its ``assay_run_link`` fields."""
    linked: set[str] = set()
    for field in result_record["doc"]["fields"].values():
        if field["type"] == "assay_run_link" and field["value"] is not None:
            value = field["value"]
            linked.update(value if isinstance(value, list) else [value])
    return linked
