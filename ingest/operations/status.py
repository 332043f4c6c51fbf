"""The ``status`` report: counts by state, oldest pending file, last success, recent failures, requests,
and the commands using the ledger now (several, on several hosts, for a shared PostgreSQL ledger)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.pipeline.factory import describe_ledger, open_ledger


def status_report(ledger_path: Path | str, *, failures: int = 10) -> dict[str, Any]:
    """A JSON-ready report of the ledger (a SQLite file or a PostgreSQL URL); ConfigError when a SQLite
    ledger does not exist. The URL is shown without its password."""
    if isinstance(ledger_path, Path) and not ledger_path.exists():
        raise ConfigError(
            f"No ledger at '{ledger_path}'. Expected one made by run or watch.", file=ledger_path
        )
    with open_ledger(ledger_path) as ledger:
        pending = ledger.pending(include_waiting=True)
        last = ledger.last_success()
        return {
            "ledger": describe_ledger(ledger_path),
            "counts": ledger.counts(),
            "oldest_pending": (
                {"path": str(pending[0].path), "state": pending[0].state, "since": pending[0].created_at}
                if pending
                else None
            ),
            "last_success": (
                {"path": str(last.path), "run_id": last.run_id, "at": last.updated_at} if last else None
            ),
            "recent_failures": [
                {
                    "path": str(r.path),
                    "state": r.state,
                    "attempts": r.attempts,
                    "reason": (r.last_error or {}).get("message"),
                    "quarantined_at": str(r.final_path) if r.final_path and r.state == "failed" else None,
                }
                for r in ledger.recent_failures(failures)
            ],
            "counters": ledger.counters(),
            "instances": [
                {
                    "id": i.id,
                    "host": i.host,
                    "pid": i.pid,
                    "command": i.command,
                    "folders": [str(f) for f in i.folders],
                    "started_at": i.started_at.isoformat(),
                    "heartbeat_at": i.heartbeat_at.isoformat(),
                }
                for i in ledger.instances()
            ],
        }
