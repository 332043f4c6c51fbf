"""``/metrics``: the service in Prometheus's text format, in a registry of its own (never the global one,
so two services in one process, as in tests, do not collide).

Histograms are observed as files finish (``ServiceState`` listeners); everything else is read when
scraped: ledger counts and queue depth from the latest snapshot, requests from the client's counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ingest.benchling import ClientStats
from ingest.ledger import TERMINAL
from ingest.pipeline.outcome import Outcome

PREFIX = "benchling_ingest"
#: From a file's last change to its run in Benchling: seconds to an hour.
LATENCY_BUCKETS = (1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
STEP_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class _LiveCollector(Collector):
    def __init__(self, snapshot: Callable[[], dict[str, Any]], stats: Callable[[], ClientStats]) -> None:
        self._snapshot = snapshot
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        stats = self._stats()
        files = GaugeMetricFamily(f"{PREFIX}_files", "Ledger rows by state.", labels=["state"])
        for state, count in sorted(snapshot.get("counts", {}).items()):
            files.add_metric([state], count)
        yield files
        pending = sum(n for s, n in snapshot.get("counts", {}).items() if s not in TERMINAL)
        yield GaugeMetricFamily(f"{PREFIX}_queue_depth", "Files recorded but not finished.", value=pending)
        yield GaugeMetricFamily(
            f"{PREFIX}_files_in_flight",
            "Files the workers hold now.",
            value=len(snapshot.get("in_flight", [])),
        )
        requests = CounterMetricFamily(
            f"{PREFIX}_requests",
            "Answers from Benchling by endpoint and status ('network': no answer).",
            labels=["endpoint", "status"],
        )
        for (endpoint, status), count in sorted(stats.responses.items()):
            requests.add_metric([endpoint, status], count)
        yield requests
        yield CounterMetricFamily(
            f"{PREFIX}_rate_limited", "429 answers from Benchling.", value=stats.rate_limited
        )
        yield CounterMetricFamily(
            f"{PREFIX}_retries", "Requests sent again after a failure.", value=stats.retries
        )
        rate = snapshot.get("rate_limit") or {}
        if rate.get("remaining") is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}_rate_limit_remaining",
                "Requests left in Benchling's window.",
                value=rate["remaining"],
            )
            yield GaugeMetricFamily(
                f"{PREFIX}_rate_limit_limit", "Benchling's requests per window.", value=rate["limit"]
            )
        yield GaugeMetricFamily(
            f"{PREFIX}_paused",
            "1 while ingestion is paused.",
            value=1 if snapshot.get("paused_reason") else 0,
        )
        reachable = GaugeMetricFamily(
            f"{PREFIX}_folder_reachable", "1 when the watched folder could be listed.", labels=["folder"]
        )
        scanned = GaugeMetricFamily(
            f"{PREFIX}_folder_scanned_timestamp_seconds", "Last listing of the folder.", labels=["folder"]
        )
        for folder in snapshot.get("folders", []):
            reachable.add_metric([folder["path"]], 1 if folder["reachable"] else 0)
            if folder["scanned_at"] is not None:
                scanned.add_metric([folder["path"]], folder["scanned_at"])
        yield reachable
        yield scanned


class ServiceMetrics:
    """The registry of one service; subscribe it to the service's ``ServiceState``."""

    def __init__(self, snapshot: Callable[[], dict[str, Any]], stats: Callable[[], ClientStats]) -> None:
        self.registry = CollectorRegistry()
        self._finished = Counter(
            f"{PREFIX}_files_finished",
            "Files finished by this service since it started, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self._latency = Histogram(
            f"{PREFIX}_drop_to_run_seconds",
            "From a file's last change (its drop) to its run and results in Benchling.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._steps = Histogram(
            f"{PREFIX}_step_seconds",
            "Time per file and step: 'prepare' (parse and plan), 'load' (send to Benchling).",
            ["step"],
            buckets=STEP_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_LiveCollector(snapshot, stats))

    def file_finished(self, outcome: Outcome, latency_seconds: float | None) -> None:
        self._finished.labels(outcome.kind).inc()
        if latency_seconds is not None:
            self._latency.observe(latency_seconds)

    def step_timed(self, step: str, seconds: float) -> None:
        self._steps.labels(step).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
