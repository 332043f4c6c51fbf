"""Drop-to-run latency of ``watch`` (the in-process ``IngestService``, 2 s settle window); prints JSON.

    .venv/bin/python -m bench.latency              # 20 files
    .venv/bin/python -m bench.latency --quick      # 8 files

Files (``tests/support/corpus.py`` LC exports with their trace files) are dropped one by one into a watched
folder: the trace file, then the CSV renamed into place. The latency of a file is from the moment its
CSV appears to the moment the sandbox (127.0.0.1, rate limit ON at 60/30, the client's limiter the
same) holds a run whose ``file_sha256`` is the file's, found by polling the sandbox store every 10 ms.
The next file is dropped once the previous one's run exists and ``--gap`` seconds have passed.
Reported: p50, p95 and max, and the settle window they include.

Before that, the latency of single requests on loopback (``--requests`` of each kind, one after the
other, to a sandbox in a process of its own with no rate limit): a read (``GET`` of a run schema) and a
small blob upload (``POST /blobs``, 2 KB), through the client as it connects now (kept-alive
connections with ``TCP_NODELAY``, ``ingest.benchling.connections``) and through httpx's default
transport (as it connected before), in one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.sandbox_process import SandboxProcess
from ingest.benchling import ApiKey, BenchlingClient, ClientSettings
from ingest.benchling import RateLimit as ClientRateLimit
from ingest.filing import FilingOptions
from ingest.pipeline import IngestService
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import RateLimit as SandboxRateLimit
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from ingest.watch import DEFAULT_EXCLUDES, FolderWatcher, WatchOptions
from tests.support.corpus import TRACE_GLOB, write_export

REPO = Path(__file__).resolve().parents[1]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
MAP_FILE = REPO / "schemas_map.yaml"
SETTLE_SECONDS = 2.0
RUN_TIMEOUT = 120.0
POLL_SECONDS = 0.01
RUN_SCHEMA = "assaysch_chromrun01"


def wait_for_run(server: SandboxServer, sha256: str, deadline: float) -> float | None:
    """Monotonic time at which a run for ``sha256`` was first seen, or None after ``deadline``."""
    while time.monotonic() < deadline:
        if any(r["fields"].get("file_sha256", {}).get("value") == sha256 for r in server.store.runs()):
            return time.monotonic()
        time.sleep(POLL_SECONDS)
    return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[rank]


def request_latency(count: int, folder: Path) -> dict[str, Any]:
    """p50/p95 milliseconds of single reads and small blob uploads, ours vs httpx's default transport."""
    blob = folder / "trace.csv"
    blob.write_bytes(b"time_min,signal\n" + b"0.01,12.5\n" * 200)
    figures: dict[str, Any] = {"requests_each": count}
    with SandboxProcess(TENANT_FILE, None) as sandbox:
        for name, transport in (("httpx_default", httpx.HTTPTransport()), ("ours", None)):
            with BenchlingClient(
                sandbox.base_url,
                ApiKey(sandbox.api_key),
                transport=transport,
                rate_limit=ClientRateLimit(10 * count, 1.0),
            ) as client:
                reads: list[float] = []
                uploads: list[float] = []
                for _ in range(count):
                    started = time.perf_counter()
                    client.get_run_schema(RUN_SCHEMA)
                    reads.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    client.upload_blob(blob, name=blob.name, blob_type="RAW_FILE", mime_type="text/csv")
                    uploads.append(time.perf_counter() - started)
            figures[name] = {
                "read_p50_ms": round(statistics.median(reads) * 1000, 2),
                "read_p95_ms": round(percentile(reads, 0.95) * 1000, 2),
                "upload_p50_ms": round(statistics.median(uploads) * 1000, 2),
                "upload_p95_ms": round(percentile(uploads, 0.95) * 1000, 2),
            }
        sandbox.stop()
    return figures


def measure(files: int, gap: float, rate_limit: tuple[int, float]) -> dict[str, Any]:
    requests, window = rate_limit
    config = SandboxConfig.from_tenant_file(TENANT_FILE, rate_limit=SandboxRateLimit(requests, window))
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as scratch, SandboxServer(config) as server:
        work = Path(scratch)
        inbox = work / "inbox"
        inbox.mkdir()
        client = ClientSettings(server.base_url, ApiKey(server.api_key), ClientRateLimit(requests, window))
        settings = load_settings({}, map_path=MAP_FILE, home=work / "state", client=client)
        filing = FilingOptions(work / "archive", work / "failed")
        latencies: list[float] = []
        missed: list[str] = []
        with open_pipeline(settings, filing_options=filing) as pipeline:
            options = WatchOptions(settle_seconds=SETTLE_SECONDS, exclude=(*DEFAULT_EXCLUDES, TRACE_GLOB))
            watcher = FolderWatcher([inbox], options, is_known=pipeline.ledger.is_known)
            service = IngestService(pipeline, watcher, workers=4)
            thread = threading.Thread(target=service.run, name="bench-watch")
            thread.start()
            try:
                for index in range(files):
                    export = write_export(inbox, index)
                    dropped = time.monotonic()
                    sha256 = hashlib.sha256(export.csv.read_bytes()).hexdigest()
                    seen = wait_for_run(server, sha256, dropped + RUN_TIMEOUT)
                    if seen is None:
                        missed.append(export.csv.name)
                    else:
                        latencies.append(seen - dropped)
                    time.sleep(gap)
            finally:
                service.stop()
                thread.join(timeout=60)
            stats = pipeline.client_stats
        rate_limited = server.request_log.count(status=429)
    return {
        "benchmark": "latency",
        "files": files,
        "settle_seconds": SETTLE_SECONDS,
        "rate_limit": f"{requests}/{window:g}",
        "p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 2) if latencies else None,
        "max_s": round(max(latencies), 2) if latencies else None,
        "min_s": round(min(latencies), 2) if latencies else None,
        "p50_minus_settle_s": round(statistics.median(latencies) - SETTLE_SECONDS, 2) if latencies else None,
        "latencies_s": [round(v, 2) for v in latencies],
        "missed": missed,
        "requests": stats.total_requests,
        "rate_limited_429": rate_limited,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="8 files")
    parser.add_argument(
        "--gap", type=float, default=1.0, help="seconds between a run appearing and the next drop"
    )
    parser.add_argument("--rate-limit", default="60/30", help="REQUESTS/SECONDS for sandbox and client")
    parser.add_argument("--requests", type=int, default=100, help="requests of each kind timed alone")
    args = parser.parse_args(argv)
    requests, _, seconds = args.rate_limit.partition("/")
    with tempfile.TemporaryDirectory(prefix="bench-requests-") as scratch:
        single = request_latency(args.requests, Path(scratch))
    figures = measure(8 if args.quick else args.files, args.gap, (int(requests), float(seconds)))
    figures["requests"] = single
    print(json.dumps(figures, indent=2))
    return 0 if not figures["missed"] else 1


if __name__ == "__main__":
    sys.exit(main())
