"""Numbered schema migrations for both ledger backends, applied once each, under a lock.

Each backend has its own ordered list; ``schema_migrations`` records which versions a database has.
A SQLite ledger made before this table existed holds exactly version 1 (the first schema), so version
1 is written with ``IF NOT EXISTS`` and every later step looks before it changes anything: opening an
old ledger upgrades it, opening a current one changes nothing.

Two processes opening the same ledger at once must not both migrate: SQLite takes its write lock
(``BEGIN IMMEDIATE``) before reading the applied versions, PostgreSQL a transaction-scoped advisory
lock; the second process waits, then finds nothing left to do. DDL is transactional in both, so a
process killed half-way leaves the previous version intact.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.ledger.sqlite_rows import SCHEMA as SQLITE_V1

#: Key of the PostgreSQL advisory lock held while migrating (a constant of this project: "bnchl-mg").
POSTGRES_MIGRATION_LOCK = 0x626E_6368_6C2D_6D67


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    #: Statements run in order (each one statement).
    statements: Sequence[str] = ()
    #: Or a step that looks first, given the open connection (SQLite only).
    apply: Callable[[Any], None] | None = None


def _statements(script: str) -> tuple[str, ...]:
    """A schema script as single statements (the scripts here hold no ``;`` inside a statement)."""
    return tuple(s.strip() for s in script.split(";") if s.strip())


def _sqlite_add_generation(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(files)")}
    if "generation" not in columns:
        db.execute("ALTER TABLE files ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")


_SQLITE_INSTANCES = """
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    command TEXT NOT NULL,
    folders TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'running'
)
"""


def _sqlite_add_snapshot(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(instances)")}
    if "snapshot" not in columns:
        db.execute("ALTER TABLE instances ADD COLUMN snapshot TEXT")


_SQLITE_FORCINGS = """
CREATE TABLE IF NOT EXISTS forcings (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
)
"""


def _sqlite_add_forcing(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(files)")}
    if "forcing" not in columns:
        db.execute("ALTER TABLE files ADD COLUMN forcing INTEGER")


SQLITE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "files, events, attachments, counters (the first schema)", _statements(SQLITE_V1)),
    Migration(
        2, "files.generation: the ingest generation a file's ids belong to", apply=_sqlite_add_generation
    ),
    Migration(3, "instances: the commands using the ledger, with heartbeats", (_SQLITE_INSTANCES,)),
    Migration(4, "instances.snapshot: a running service's live counters", apply=_sqlite_add_snapshot),
    Migration(
        5,
        "forcings: `--force` commands, open until finished; files.forcing: the one that forced a row",
        (_SQLITE_FORCINGS,),
        apply=_sqlite_add_forcing,
    ),
)

_SQLITE_VERSIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations"
    " (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
_POSTGRES_VERSIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations"
    " (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


def migrate_sqlite(db: sqlite3.Connection, migrations: Sequence[Migration] = SQLITE_MIGRATIONS) -> list[int]:
    """Bring the database (autocommit mode) up to date in one write transaction; returns the versions
    applied now."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_SQLITE_VERSIONS)
        done = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
        applied = []
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version in done:
                continue
            for statement in migration.statements:
                db.execute(statement)
            if migration.apply is not None:
                migration.apply(db)
            db.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, dt.datetime.now(dt.UTC).isoformat()),
            )
            applied.append(migration.version)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return applied


def migrate_postgres(conn: Any, migrations: Sequence[Migration]) -> list[int]:
    """Bring the database up to date in one transaction on ``conn`` (a psycopg connection with tuple
    rows, not in a transaction) under the migration advisory lock; returns the versions applied now.
    The list is ``ingest.ledger.postgres_schema.POSTGRES_MIGRATIONS``."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
        conn.execute(_POSTGRES_VERSIONS)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version in done:
                continue
            for statement in migration.statements:
                conn.execute(statement)
            if migration.apply is not None:
                migration.apply(conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                (migration.version, migration.description),
            )
            applied.append(migration.version)
    return applied


def latest_version(migrations: Sequence[Migration]) -> int:
    return max(m.version for m in migrations)
