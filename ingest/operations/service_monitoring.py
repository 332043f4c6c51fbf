"""A running ``watch`` made visible: its snapshot published to the ledger every few seconds (what
``status`` reads), and with ``--http`` the status page, ``/healthz`` and ``/metrics``.

The page may retry a quarantined file only when a token is configured; the retry is
``retry_quarantined`` on the service's own ledger (the service holds the instance lock itself).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.operations.retry import retry_quarantined
from ingest.pipeline.service import IngestService
from ingest.pipeline.service_snapshot import SnapshotPublisher
from ingest.web import StatusServer, check_token_rule, parse_address
from ingest.web.metrics import ServiceMetrics

log = logging.getLogger("ingest.web")


@dataclass(frozen=True)
class MonitoringOptions:
    """``http``: ``[HOST:]PORT`` or None (no web server); ``token`` guards retries from the page and is
    required beyond loopback; ``probe_seconds``: Benchling is asked after this long without an answer,
    and health fails after twice that; ``snapshot_seconds``: how often the snapshot is rebuilt."""

    http: str | None = None
    token: str | None = None
    probe_seconds: float = 30.0
    snapshot_seconds: float = 2.0


def check_options(options: MonitoringOptions) -> None:
    """ConfigError for a bad address or a non-loopback one without a token (before anything starts)."""
    if options.http is not None:
        check_token_rule(parse_address(options.http), options.token)


@contextmanager
def monitored(
    service: IngestService,
    options: MonitoringOptions,
    *,
    ledger_location: Path | str,
    failed_dir: Path | None,
) -> Iterator[StatusServer | None]:
    """Publish the service's snapshot (and serve the page) while the block runs."""
    publisher = SnapshotPublisher(
        service, interval=options.snapshot_seconds, probe_seconds=options.probe_seconds
    )
    server: StatusServer | None = None
    publisher.start()
    try:
        if options.http is not None:
            address = parse_address(options.http)
            check_token_rule(address, options.token)
            metrics = ServiceMetrics(publisher.latest, lambda: service.pipeline.client_stats)
            service.state.subscribe(metrics)

            def retry(quarantined: Path) -> int:
                assert failed_dir is not None  # only quarantined files are offered for retry
                return len(retry_quarantined(ledger_location, failed_dir, files=[quarantined]))

            server = StatusServer(
                address,
                publisher=publisher,
                metrics=metrics,
                token=options.token,
                retry=retry if options.token and failed_dir is not None else None,
            )
            server.start()
            log.info("Status page at %s (health: /healthz, metrics: /metrics).", server.url)
        yield server
    finally:
        if server is not None:
            server.stop()
        publisher.stop()
        publisher.refresh()  # the last word: stopped, with the final counters
