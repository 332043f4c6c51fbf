"""The ``status`` report: counts by state, oldest pending file, last success, failures, requests, and
whether a ``watch`` service is running (pid, host, since, last scan, its live counters) on this ledger
(every host's, for a shared PostgreSQL ledger).

A running service publishes a snapshot on its instance row every few seconds; requests are what
stopped services saved in the ledger plus what running (or killed) ones last published, so the count
moves while ``watch`` runs. The exit code (see ``EXIT_CODES``) is for monitoring checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, cast

from ingest.errors import ConfigError, without_secrets
from ingest.ledger.instances import InstanceRecord
from ingest.pipeline.factory import describe_ledger, open_ledger
from ingest.pipeline.ledger_view import instance_entry, last_success, oldest_pending, recent_failures

#: Bits of the exit code: failed files, no live service; 3 is both.
EXIT_OK = 0
EXIT_FAILED_FILES = 1
EXIT_NO_SERVICE = 2
EXIT_CODES = {
    EXIT_OK: "no failed files, and a watch service is running with a fresh heartbeat",
    EXIT_FAILED_FILES: "failed files wait in quarantine (see `retry`)",
    EXIT_NO_SERVICE: "no watch service is running, or its heartbeat is stale (killed, hung, host gone)",
    EXIT_FAILED_FILES | EXIT_NO_SERVICE: "both",
}
#: A running service's heartbeat older than this is stale (it publishes every few seconds).
STALE_AFTER_SECONDS = 60.0

ServiceState = Literal["running", "stale", "none"]


def status_report(
    ledger_path: Path | str,
    *,
    failures: int = 10,
    stale_after: float = STALE_AFTER_SECONDS,
    check_service: bool = True,
) -> dict[str, Any]:
    """A JSON-ready report of the ledger (a SQLite file or a PostgreSQL URL), with its ``exit_code``;
    ConfigError when a SQLite ledger does not exist. The URL is shown without its password."""
    if isinstance(ledger_path, Path) and not ledger_path.exists():
        raise ConfigError(
            f"No ledger at '{ledger_path}'. Expected one made by run or watch.", file=ledger_path
        )
    with open_ledger(ledger_path) as ledger:
        now = ledger.now()  # instances' heartbeats are on the ledger's clock (a shared one: the server's)
        counts = ledger.counts()
        instances = ledger.instances(include_finished=True)
        report: dict[str, Any] = {
            "ledger": describe_ledger(ledger_path),
            "counts": counts,
            "oldest_pending": oldest_pending(ledger),
            "last_success": last_success(ledger),
            "recent_failures": recent_failures(ledger, failures),
            "counters": live_counters(ledger.counters(), instances),
        }
    services = [i for i in instances if i.command == "watch"]
    state = service_state(services, now=now, stale_after=stale_after)
    report["service"] = {
        "state": state,
        "stale_after_seconds": stale_after,
        "running": [
            instance_entry(i, now=now)
            for i in services
            if i.state == "running" and now - i.heartbeat_at.timestamp() <= stale_after
        ],
        "latest": instance_entry(services[0], now=now) if services else None,
    }
    report["instances"] = [instance_entry(i, now=now) for i in instances if i.state == "running"]
    code = EXIT_FAILED_FILES if counts.get("failed", 0) else EXIT_OK
    if check_service and state != "running":
        code |= EXIT_NO_SERVICE
    report["exit_code"] = code
    report["exit_meaning"] = EXIT_CODES[code]
    return cast(dict[str, Any], without_secrets(report))


def service_state(services: list[InstanceRecord], *, now: float, stale_after: float) -> ServiceState:
    """``running``: some watch heartbeats within ``stale_after``; ``stale``: the latest one stopped
    heartbeating without stopping (killed, hung); ``none``: no watch, or the latest stopped cleanly."""
    if any(i.state == "running" and now - i.heartbeat_at.timestamp() <= stale_after for i in services):
        return "running"
    if services and services[0].state in ("running", "dead"):
        return "stale"
    return "none"


def live_counters(saved: dict[str, int], instances: list[InstanceRecord]) -> dict[str, int]:
    """What stopped services saved, plus what running or killed ones last published."""
    counters = dict(saved)
    for instance in instances:
        requests = (instance.snapshot or {}).get("requests")
        if instance.state == "stopped" or not isinstance(requests, dict):
            continue
        counters["requests"] = counters.get("requests", 0) + int(requests.get("total", 0))
        counters["rate_limited"] = counters.get("rate_limited", 0) + int(requests.get("rate_limited", 0))
    return counters
