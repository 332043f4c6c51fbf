"""The running service's live snapshot: built every few seconds on a thread, kept for the status page,
health and metrics, and published on the service's instance row for ``status`` in other processes.

Building it reads the ledger (counts, oldest pending, failures): done here, off the page's requests,
so a page left open by many people costs the ledger nothing more. When Benchling has not answered for
``probe_seconds`` (an idle service sends nothing), one small read asks it, so that health knows.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from ingest.benchling.transport import api_url
from ingest.errors import IngestError
from ingest.ledger.heartbeat import Heartbeat
from ingest.pipeline.ledger_view import instance_entry, oldest_pending, recent_failures
from ingest.pipeline.service import IngestService

log = logging.getLogger("ingest.service")

#: Snapshot format; ``status`` shows what it knows of newer ones. 2 added ``mapping`` (the mapping in
#: use: path, short sha256, when it was loaded, the problem with its file; None when not kept in step).
SNAPSHOT_VERSION = 2


def run_url(base_url: str, run_id: str) -> str:
    """Where a person finds a run: its API object (Benchling documents no web address for assay runs;
    the API object names the run's schema, project and entry)."""
    return f"{api_url(base_url)}/assay-runs/{run_id}"


class BenchlingProbe:
    """On its own thread: every half ``probe_seconds``, when Benchling has not answered for that long,
    one small read; ``problem`` says why it failed. A read may wait out the client's retries (hours in
    a maintenance window), so ``stop`` waits for it only briefly: the thread is a daemon."""

    def __init__(self, service: IngestService, *, probe_seconds: float, clock: Callable[[], float]) -> None:
        self._service = service
        self._probe_seconds = probe_seconds / 2
        self._clock = clock
        self.problem: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="benchling-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, *, wait_seconds: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(wait_seconds)

    def _run(self) -> None:
        while not self._stop.wait(self._probe_seconds):
            try:
                self.check()
            except Exception:  # a bug here must not end the probe; logged once per occurrence
                log.exception("The Benchling probe failed unexpectedly.")

    def check(self) -> None:
        last = self._service.pipeline.client_stats.last_answer_at
        if last is not None and self._clock() - last < self._probe_seconds:
            self.problem = None
            return
        try:
            self._service.pipeline.client.ping()
        except IngestError as exc:  # unreachable, 5xx, refused credentials: all mapped by the client
            self.problem = exc.message
        else:
            self.problem = None


class SnapshotPublisher:
    """Every ``interval`` seconds: probe Benchling if idle, build the snapshot, keep it, publish it."""

    def __init__(
        self,
        service: IngestService,
        *,
        interval: float = 2.0,
        probe_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.service = service
        self.interval = interval
        self.probe_seconds = probe_seconds
        self._clock = clock
        self._probe = BenchlingProbe(service, probe_seconds=probe_seconds, clock=clock)
        self._lock = threading.Lock()
        self._latest: dict[str, Any] | None = None
        self._ledger_view: dict[str, Any] = {"counts": {}, "oldest_pending": None, "failures": []}
        self._ledger_problem: str | None = None
        self._hosts: list[dict[str, Any]] = []
        self._beat = Heartbeat(self._tick, interval=interval, name="service-snapshot")

    def start(self) -> None:
        self.refresh()
        self._beat.start()
        self._probe.start()

    def stop(self) -> None:
        self._probe.stop()
        self._beat.stop()

    def latest(self) -> dict[str, Any]:
        """The last snapshot built (one is built at once when there is none yet)."""
        with self._lock:
            latest = self._latest
        return latest if latest is not None else self.refresh(publish=False)

    def _tick(self) -> None:
        self.refresh()

    def hosts(self, *, live: bool = False) -> list[dict[str, Any]]:
        """Every running command on this ledger (every host's, for a shared one), as last read; with
        ``live``, this service's own entry shows its counts as they are now."""
        with self._lock:
            hosts = list(self._hosts)
        if not live:
            return hosts
        files = self.service.state.files()
        owner = self.service.pipeline.ledger.owner
        return [
            {**h, "outcomes": files["outcomes"], "in_flight": len(files["in_flight"])}
            if h["id"] == owner
            else h
            for h in hosts
        ]

    def refresh(self, *, publish: bool = True) -> dict[str, Any]:
        """Build a snapshot now, keep it and (unless told not to) publish it on the instance row."""
        self._read_ledger()
        snapshot = self._build()
        with self._lock:
            self._latest = snapshot
        if publish:
            try:
                self.service.pipeline.ledger.publish_snapshot(snapshot)
            except Exception as exc:  # a ledger that cannot answer now: the page still shows the rest
                log.warning("Could not publish the service's snapshot to the ledger: %s", exc)
        return snapshot

    def _read_ledger(self) -> None:
        ledger = self.service.pipeline.ledger
        try:
            self._ledger_view = {
                "counts": ledger.counts(),
                "oldest_pending": oldest_pending(ledger),
                "failures": recent_failures(ledger, 20),
            }
            self._hosts = [instance_entry(i, now=ledger.now()) for i in ledger.instances()]
            self._ledger_problem = None
        except Exception as exc:  # kept from the last read; said on the page and by health
            self._ledger_problem = f"{type(exc).__name__}: {exc}"

    def _build(self) -> dict[str, Any]:
        service, pipeline = self.service, self.service.pipeline
        stats = pipeline.client_stats
        headers = pipeline.client.rate_limit_headers()
        base_url = pipeline.client.base_url
        files = service.state.files()
        for entry in files["recent"]:
            entry["run_url"] = run_url(base_url, entry["run_id"]) if entry["run_id"] else None
        return {
            "version": SNAPSHOT_VERSION,
            "instance": pipeline.ledger.owner,
            "pid": os.getpid(),
            "started_at": service.state.started_at,
            "updated_at": self._clock(),
            "running": service.running,
            "paused_reason": service.paused_reason,
            "mapping": service.mapping.status.as_json() if service.mapping is not None else None,
            "benchling": {
                "url": base_url,
                "last_answer_at": stats.last_answer_at,
                "problem": self._probe.problem,
                "probe_seconds": self.probe_seconds,
            },
            "ledger_problem": self._ledger_problem,
            **files,
            **self._ledger_view,
            "folders": [
                {
                    "path": str(scan.root),
                    "scanned_at": scan.scanned_at,
                    "reachable": scan.reachable,
                    "problem": scan.problem,
                }
                for scan in service.watcher.folder_scans.all()
            ],
            "rescan_seconds": service.watcher.options.rescan_seconds,
            "requests": {
                "total": stats.total_requests,
                "retries": stats.retries,
                "rate_limited": stats.rate_limited,
            },
            "rate_limit": (
                None
                if headers is None
                else {
                    "limit": headers.limit,
                    "remaining": headers.remaining,
                    "used": None if headers.remaining is None else headers.limit - headers.remaining,
                    "reset_seconds": headers.reset_seconds,
                }
            ),
        }
