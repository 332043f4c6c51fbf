"""The claim queries of the PostgreSQL ledger (named parameters: ``me`` the claiming instance id,
``lease`` its lease in seconds).

A row is claimable when nobody holds it, this instance holds it, or its holder's lease ran out (a
dead or cut-off process). ``FOR UPDATE SKIP LOCKED`` lets many workers claim at once without waiting
on each other: a row being claimed or written by another transaction is simply skipped.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import LedgerError, LedgerUnavailableError
from ingest.ledger.claims import LocalClaims
from ingest.ledger.heartbeat import Heartbeat
from ingest.ledger.instances import InstanceRecord, folders_to_json, snapshot_to_json
from ingest.ledger.postgres_reads import TERMINAL_STATES, PostgresReads
from ingest.ledger.records import FileRecord

log = logging.getLogger("ingest.ledger")

#: When a lease taken or renewed now runs out (the server's clock: one clock for every host).
LEASE = "clock_timestamp() + make_interval(secs => %(lease)s)"

_CLAIMABLE = "(claimed_by IS NULL OR claimed_by = %(me)s OR lease_until < clock_timestamp())"

#: One row by ``id`` (any state), or nothing when another worker holds it.
CLAIM_ONE = f"""
UPDATE files SET claimed_by = %(me)s, lease_until = {LEASE}
WHERE id = (SELECT id FROM files WHERE id = %(id)s AND {_CLAIMABLE} FOR UPDATE SKIP LOCKED)
RETURNING *
"""

#: Unfinished rows due by ``due_by`` (None: every one), oldest first, at most ``limit`` (None: all),
#: that this process may reach: under one of ``roots`` (folders it watches, shared or its own), found
#: by this instance, or found on this ``host`` by an instance that is no longer running. ``mine``:
#: rows this process already holds.
CLAIM_DUE = f"""
UPDATE files SET claimed_by = %(me)s, lease_until = {LEASE}
WHERE id IN (
    SELECT f.id FROM files f
    WHERE NOT (f.state = ANY(%(terminal)s))
      AND (%(due_by)s::double precision IS NULL OR f.next_attempt_at IS NULL
           OR f.next_attempt_at <= %(due_by)s::double precision)
      AND (f.claimed_by IS NULL OR f.claimed_by = %(me)s OR f.lease_until < clock_timestamp())
      AND NOT (f.id = ANY(%(mine)s::bigint[]))
      AND (f.root = ANY(%(roots)s::text[])
           OR f.discovered_by = %(me)s
           OR (f.discovered_host = %(host)s AND NOT EXISTS (
                SELECT 1 FROM instances i
                WHERE i.id = f.discovered_by AND i.state = 'running'
                  AND i.heartbeat_at > clock_timestamp() - make_interval(secs => %(lease)s))))
    ORDER BY f.id
    LIMIT %(limit)s
    FOR UPDATE OF f SKIP LOCKED
)
RETURNING *
"""


class PostgresClaims(PostgresReads):
    """Claims, leases and this process's instance row; the heartbeat thread renews both."""

    _owner: str
    _host: str
    _claims: LocalClaims
    _heartbeat: Heartbeat
    _registered: bool

    # -- claims and instances ---------------------------------------------------------------------------

    @property
    def owner(self) -> str:
        return self._owner

    def claim(self, file_id: int) -> FileRecord | None:
        taken = self._claims.take(file_id)
        if taken is False:
            return None
        try:
            if taken:  # claimed by claim_due for this process already
                return self.get(file_id)
            with self._tx() as cur:
                row = cur.execute(CLAIM_ONE, {**self._lease_params(), "id": file_id}).fetchone()
                if (
                    row is None
                    and cur.execute("SELECT 1 FROM files WHERE id = %s", (file_id,)).fetchone() is None
                ):
                    raise LedgerError(f"Ledger has no file with id {file_id}.", file_id=file_id)
        except BaseException:
            self._claims.drop(file_id)
            raise
        if row is None:
            self._claims.drop(file_id)
            return None
        self._heartbeat.start()
        return self._record(row)

    def release(self, file_id: int) -> None:
        self._claims.drop(file_id)
        try:
            with self._tx() as cur:
                cur.execute(
                    "UPDATE files SET claimed_by = NULL, lease_until = NULL"
                    " WHERE id = %s AND claimed_by = %s",
                    (file_id, self._owner),
                )
        except LedgerUnavailableError as exc:
            log.info("Ledger row %s stays claimed until its lease runs out: %s", file_id, exc.message)

    def claim_due(
        self,
        *,
        limit: int | None = None,
        roots: Sequence[Path] = (),
        include_waiting: bool = False,
        now: float | None = None,
    ) -> list[FileRecord]:
        due_by = None if include_waiting else (self._clock() if now is None else now)
        params = {
            **self._lease_params(),
            "due_by": self._server_clock.to_server(due_by),
            "terminal": TERMINAL_STATES,
            "mine": self._claims.all(),
            "roots": [str(r) for r in roots],
            "host": self._host,
            "limit": limit,
        }
        with self._tx() as cur:
            rows = cur.execute(CLAIM_DUE, params).fetchall()
        records = sorted((self._record(r) for r in rows), key=lambda r: r.id)
        self._claims.reserve(r.id for r in records)
        if records:
            self._heartbeat.start()
        return records

    def _lease_params(self) -> dict[str, Any]:
        return {"me": self._owner, "lease": self._lease_seconds}

    def _beat(self) -> None:
        """Renew this process's leases (and its instance's heartbeat); note the ones another took."""
        ids = self._claims.all()
        if not ids and not self._registered:
            return
        with self._tx() as cur:
            renewed = {
                r["id"]
                for r in cur.execute(
                    f"UPDATE files SET lease_until = {LEASE} WHERE id = ANY(%(ids)s::bigint[])"
                    " AND claimed_by = %(me)s"
                    " RETURNING id",
                    {**self._lease_params(), "ids": ids},
                ).fetchall()
            }
            if self._registered:
                cur.execute(
                    "UPDATE instances SET heartbeat_at = clock_timestamp(), state = 'running'"
                    " WHERE id = %s AND state <> 'stopped'",
                    (self._owner,),
                )
            self._server_clock.remeasure(cur)
        lost = [i for i in ids if i not in renewed and self._claims.owns(i)]
        if lost:
            log.warning(
                "Ledger rows %s were taken over by another worker; their writes here will be refused.", lost
            )

    def register_instance(self, command: str, folders: Sequence[Path] = ()) -> InstanceRecord:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO instances (id, host, pid, command, folders) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET command = EXCLUDED.command, folders = EXCLUDED.folders,"
                " heartbeat_at = clock_timestamp(), state = 'running'",
                (self._owner, self._host, os.getpid(), command, folders_to_json(folders)),
            )
        self._registered = True
        self._heartbeat.start()
        return next(i for i in self.instances(include_finished=True) if i.id == self._owner)

    def publish_snapshot(self, snapshot: Mapping[str, Any]) -> None:
        if not self._registered:
            return
        with self._tx() as cur:
            cur.execute(
                "UPDATE instances SET snapshot = %s, heartbeat_at = clock_timestamp(), state = 'running'"
                " WHERE id = %s AND state <> 'stopped'",
                (snapshot_to_json(snapshot), self._owner),
            )
