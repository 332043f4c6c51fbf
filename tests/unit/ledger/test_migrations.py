"""Schema migrations: a SQLite ledger made by the first version (no version table, no ``generation``,
no ``instances``) opens, keeps its rows and is upgraded once, also when two processes open it at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from ingest.ledger import SqliteLedger
from ingest.ledger.migrations import SQLITE_MIGRATIONS, latest_version, migrate_sqlite

# The first version's tables exactly as it created them (before schema_migrations existed).
FIRST_VERSION_SCHEMA = """
CREATE TABLE files (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, root TEXT, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, state TEXT NOT NULL, parser TEXT, plan TEXT,
    run_id TEXT, blob_ids TEXT NOT NULL DEFAULT '{}', transaction_id TEXT,
    result_ids TEXT NOT NULL DEFAULT '[]', inflight TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL, last_error TEXT, duplicate_of INTEGER, previous_version INTEGER,
    final_path TEXT, forced INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX files_version ON files (path, size, mtime_ns);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files (id), at TEXT NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL, detail TEXT
);
CREATE TABLE attachments (path TEXT NOT NULL, file_id INTEGER NOT NULL REFERENCES files (id),
    PRIMARY KEY (path, file_id));
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO files (path, root, size, mtime_ns, sha256, state, run_id, result_ids, created_at, updated_at)
VALUES ('/drop/old.csv', '/drop', 10, 1, 'aa', 'done', 'run-old', '["r1"]', '2025-01-01', '2025-01-01');
INSERT INTO counters (name, value) VALUES ('requests', 7);
"""


def first_version_ledger(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(FIRST_VERSION_SCHEMA)
    db.close()
    return path


def versions(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [v for (v,) in db.execute("SELECT version FROM schema_migrations ORDER BY version")]


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def test_a_first_version_ledger_opens_upgraded_with_its_rows(tmp_path: Path) -> None:
    path = first_version_ledger(tmp_path / "old.sqlite")
    with SqliteLedger(path) as ledger:
        (row,) = ledger.in_state("done")
        assert (row.path, row.run_id, row.result_ids) == (Path("/drop/old.csv"), "run-old", ["r1"])
        assert ledger.counters() == {"requests": 7}
        assert ledger.is_known(Path("/drop/old.csv"), 10, 1)
        assert ledger.instances() == []
    assert versions(path) == [m.version for m in SQLITE_MIGRATIONS]
    assert {"generation", "forcing"} <= columns(path, "files")
    assert "heartbeat_at" in columns(path, "instances")
    assert "finished_at" in columns(path, "forcings")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT generation FROM files").fetchall() == [(0,)]


def test_migrating_a_current_ledger_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    SqliteLedger(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        assert migrate_sqlite(db) == []
    finally:
        db.close()
    assert versions(path) == list(range(1, latest_version(SQLITE_MIGRATIONS) + 1))


def test_a_generation_column_added_elsewhere_is_not_added_twice(tmp_path: Path) -> None:
    """Another branch may create ``generation`` in its schema: step 2 looks before it alters."""
    path = first_version_ledger(tmp_path / "old.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE files ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
    SqliteLedger(path).close()
    assert versions(path) == [m.version for m in SQLITE_MIGRATIONS]


def test_processes_opening_an_old_ledger_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = first_version_ledger(tmp_path / "old.sqlite")
    start = threading.Barrier(4)
    applied: list[list[int]] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            start.wait()
            applied.append(migrate_sqlite(db))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    every = [m.version for m in SQLITE_MIGRATIONS]
    assert sorted(applied) == [[], [], [], every]  # 1 only recorded: its tables were there
    assert versions(path) == every
