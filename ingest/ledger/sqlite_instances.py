"""The SQLite ledger's ``instances`` rows: this process registers, heartbeats (on a thread) and is
marked stopped at close; others whose heartbeat is too old are marked dead when read. Times come from
the ledger's clock, stored as UTC ISO text (they compare as text)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from ingest.ledger.heartbeat import Heartbeat
from ingest.ledger.instances import (
    InstanceRecord,
    InstanceState,
    folders_from_json,
    folders_to_json,
    snapshot_from_json,
    snapshot_to_json,
)


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="milliseconds")


class SqliteInstances:
    """``db`` is shared with the ledger and used under its ``lock``."""

    def __init__(
        self,
        db: sqlite3.Connection,
        lock: threading.RLock,
        *,
        owner: str,
        host: str,
        clock: Callable[[], float],
        heartbeat_seconds: float,
    ) -> None:
        self._db = db
        self._lock = lock
        self._owner = owner
        self._host = host
        self._clock = clock
        self._stale_seconds = 3 * heartbeat_seconds
        self._heartbeat = Heartbeat(self._beat, interval=heartbeat_seconds, name="ledger-heartbeat")
        self._registered = False

    def register(self, command: str, folders: Sequence[Path]) -> InstanceRecord:
        with self._lock:
            now = iso(self._clock())
            self._db.execute(
                "INSERT INTO instances (id, host, pid, command, folders, started_at, heartbeat_at, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'running') ON CONFLICT(id) DO UPDATE SET"
                " command = excluded.command, folders = excluded.folders,"
                " heartbeat_at = excluded.heartbeat_at, state = 'running'",
                (self._owner, self._host, os.getpid(), command, folders_to_json(folders), now, now),
            )
            self._registered = True
        self._heartbeat.start()
        return next(i for i in self.read(include_finished=True) if i.id == self._owner)

    def _beat(self) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE instances SET heartbeat_at = ?, state = 'running'"
                " WHERE id = ? AND state != 'stopped'",
                (iso(self._clock()), self._owner),
            )

    def publish(self, snapshot: Mapping[str, Any]) -> None:
        with self._lock:
            if self._registered:
                self._db.execute(
                    "UPDATE instances SET snapshot = ?, heartbeat_at = ?, state = 'running'"
                    " WHERE id = ? AND state != 'stopped'",
                    (snapshot_to_json(snapshot), iso(self._clock()), self._owner),
                )

    def finish(self) -> None:
        """Stop heartbeating and mark this process stopped (call before the connection closes)."""
        self._heartbeat.stop()
        with self._lock:
            if self._registered:
                self._registered = False
                self._db.execute(
                    "UPDATE instances SET heartbeat_at = ?, state = 'stopped' WHERE id = ?",
                    (iso(self._clock()), self._owner),
                )

    def read(self, *, include_finished: bool) -> list[InstanceRecord]:
        """Every instance (only the running ones unless ``include_finished``); one whose heartbeat is too
        old is shown dead. Writes nothing, so a read-only ledger can be read (``status``)."""
        stale_before = iso(self._clock() - self._stale_seconds)
        with self._lock:
            rows = self._db.execute("SELECT * FROM instances ORDER BY started_at DESC, id").fetchall()
        records = [
            InstanceRecord(
                id=row["id"],
                host=row["host"],
                pid=row["pid"],
                command=row["command"],
                folders=folders_from_json(row["folders"]),
                started_at=dt.datetime.fromisoformat(row["started_at"]),
                heartbeat_at=dt.datetime.fromisoformat(row["heartbeat_at"]),
                state=_shown_state(row["state"], row["heartbeat_at"], stale_before),
                snapshot=snapshot_from_json(row["snapshot"]),
            )
            for row in rows
        ]
        return records if include_finished else [r for r in records if r.state == "running"]


def _shown_state(state: str, heartbeat_at: str, stale_before: str) -> InstanceState:
    return "dead" if state == "running" and heartbeat_at < stale_before else cast(InstanceState, state)
