"""``/healthz``: healthy while the scanner runs and Benchling answered recently; otherwise every reason.

Judged from the service's latest snapshot (rebuilt every few seconds): a snapshot that stopped being
rebuilt is itself a reason. A folder counts as scanned recently within three rescan intervals (at least
two minutes: a long upload holds the loop, and files in flight show that it works).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The least time a folder may go unscanned before health says so.
MIN_SCAN_AGE = 120.0
#: Snapshots older than this many refresh intervals (plus a margin) mean the service is stuck.
STALE_SNAPSHOTS = 5


@dataclass(frozen=True)
class Health:
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "unhealthy", "reasons": self.reasons}


def judge(snapshot: dict[str, Any], *, now: float, refresh_seconds: float) -> Health:
    reasons: list[str] = []
    age = now - float(snapshot.get("updated_at", 0.0))
    if age > STALE_SNAPSHOTS * refresh_seconds + 5:
        reasons.append(f"The service's state was last refreshed {age:.0f} s ago.")
    if not snapshot.get("running"):
        reasons.append("The service's scan loop is not running.")
    if snapshot.get("paused_reason"):
        reasons.append(f"Ingestion is paused: {snapshot['paused_reason']}")
    reasons += _folder_reasons(snapshot, now)
    reasons += _benchling_reasons(snapshot, now)
    if snapshot.get("ledger_problem"):
        reasons.append(f"The ledger could not be read: {snapshot['ledger_problem']}")
    return Health(reasons)


def _folder_reasons(snapshot: dict[str, Any], now: float) -> list[str]:
    limit = max(3 * float(snapshot.get("rescan_seconds", 30.0)), MIN_SCAN_AGE)
    busy = bool(snapshot.get("in_flight"))
    reasons = []
    for folder in snapshot.get("folders", []):
        if not folder["reachable"]:
            reasons.append(f"Watched folder '{folder['path']}' cannot be listed: {folder['problem']}")
        elif folder["scanned_at"] is None:
            continue  # the first scan comes as the loop starts
        elif now - folder["scanned_at"] > limit and not busy:
            reasons.append(
                f"Watched folder '{folder['path']}' was last scanned {now - folder['scanned_at']:.0f} s ago "
                f"(expected within {limit:.0f} s)."
            )
    return reasons


def _benchling_reasons(snapshot: dict[str, Any], now: float) -> list[str]:
    benchling = snapshot.get("benchling", {})
    window = 2 * float(benchling.get("probe_seconds", 30.0))
    last = benchling.get("last_answer_at")
    if benchling.get("problem"):
        return [f"Benchling did not answer as expected: {benchling['problem']}"]
    if last is None:
        started = float(snapshot.get("started_at", now))
        if now - started > window:
            return [f"Benchling has not answered since the service started {now - started:.0f} s ago."]
        return []
    if now - last > window:
        return [f"Benchling last answered {now - last:.0f} s ago (expected within {window:.0f} s)."]
    return []
