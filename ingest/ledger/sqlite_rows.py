"""The SQLite ledger's tables, and a ``files`` row read back as a typed FileRecord.

``SCHEMA`` holds the tables the first version created (migration 1); later columns and tables are added by
the numbered migrations in ``ingest.ledger.migrations``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from ingest.ledger.plan_codec import plan_from_json
from ingest.ledger.records import FileRecord, InflightStep, State

SCHEMA = """
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

#: The ``files`` columns a write may set.
COLUMNS = frozenset(
    {
        "state",
        "root",
        "parser",
        "plan",
        "run_id",
        "blob_ids",
        "transaction_id",
        "result_ids",
        "inflight",
        "next_attempt_at",
        "last_error",
        "duplicate_of",
        "final_path",
        "generation",
    }
)


def record_from_row(row: sqlite3.Row | Mapping[str, Any]) -> FileRecord:
    """A ``files`` row of either backend (the PostgreSQL ledger stores the same columns the same way)."""
    plan_text = row["plan"]
    return FileRecord(
        id=row["id"],
        path=Path(row["path"]),
        root=Path(row["root"]) if row["root"] else None,
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        sha256=row["sha256"],
        state=cast(State, row["state"]),
        parser=row["parser"],
        plan=plan_from_json(json.loads(plan_text)) if plan_text else None,
        run_id=row["run_id"],
        blob_ids=json.loads(row["blob_ids"]),
        transaction_id=row["transaction_id"],
        result_ids=json.loads(row["result_ids"]),
        inflight=cast(InflightStep | None, row["inflight"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=json.loads(row["last_error"]) if row["last_error"] else None,
        duplicate_of=row["duplicate_of"],
        previous_version=row["previous_version"],
        final_path=Path(row["final_path"]) if row["final_path"] else None,
        forced=bool(row["forced"]),
        generation=row["generation"],
        forcing=row["forcing"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
