"""What a person asks of the ledger about files: the oldest pending one, the failed ones with reasons,
the last success. Shared by ``status`` and the running service's snapshot.

A failure is a file in the ``failed`` state (quarantined, waiting for ``retry``) or an unfinished one
whose last attempt failed (waiting to be tried again). Rows that ended well keep the error of an
earlier attempt or a problem after success (an attachment that was first waiting for its export): those
are not failures.
"""

from __future__ import annotations

from typing import Any

from ingest.ledger import FileRecord, Ledger
from ingest.ledger.instances import InstanceRecord

#: Rows read to find the most recent failures among rows with a recorded error.
_SCAN_FACTOR = 5


def is_failure(record: FileRecord) -> bool:
    return record.state == "failed" or (not record.terminal and record.last_error is not None)


def failure_entry(record: FileRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "path": str(record.path),
        "state": record.state,
        "attempts": record.attempts,
        "reason": (record.last_error or {}).get("message"),
        "stage": (record.last_error or {}).get("stage"),
        "quarantined_at": str(record.final_path) if record.final_path and record.state == "failed" else None,
        "at": record.updated_at,
    }


def recent_failures(ledger: Ledger, limit: int = 10) -> list[dict[str, Any]]:
    """The most recent failures (see the module's docstring), newest first."""
    rows = ledger.recent_failures(limit * _SCAN_FACTOR)
    return [failure_entry(r) for r in rows if is_failure(r)][:limit]


def oldest_pending(ledger: Ledger) -> dict[str, Any] | None:
    pending = ledger.pending(include_waiting=True)
    if not pending:
        return None
    first = pending[0]
    return {"path": str(first.path), "state": first.state, "since": first.created_at}


def last_success(ledger: Ledger) -> dict[str, Any] | None:
    last = ledger.last_success()
    return {"path": str(last.path), "run_id": last.run_id, "at": last.updated_at} if last else None


def instance_entry(instance: InstanceRecord, *, now: float) -> dict[str, Any]:
    """One command using the ledger, with what its snapshot says of it (live counters) in brief."""
    snapshot = instance.snapshot or {}
    return {
        "id": instance.id,
        "host": instance.host,
        "pid": instance.pid,
        "command": instance.command,
        "state": instance.state,
        "folders": [str(f) for f in instance.folders],
        "started_at": instance.started_at.isoformat(),
        "heartbeat_at": instance.heartbeat_at.isoformat(),
        "heartbeat_age_seconds": round(max(0.0, now - instance.heartbeat_at.timestamp()), 1),
        "outcomes": snapshot.get("outcomes", {}),
        "in_flight": len(snapshot.get("in_flight", [])),
        "paused_reason": snapshot.get("paused_reason"),
        "mapping": snapshot.get("mapping"),
        "requests": snapshot.get("requests"),
        "folder_scans": snapshot.get("folders", []),
    }
