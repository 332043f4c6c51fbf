"""The sandbox in a process of its own, for benchmarks: Benchling runs elsewhere, so its work must not
take the measured process's CPU (or its interpreter lock), and its own ceiling can be measured.

``SandboxProcess`` starts ``SandboxServer`` on 127.0.0.1 in a spawned process (Windows-safe) and, when
stopped, reports what the sandbox holds. ``measure_ceiling`` is the sandbox's throughput with no rate
limit: reads and small blob uploads from several threads, counted over a few seconds.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from ingest.benchling.connections import http_transport
from ingest.sandbox import RateLimit, SandboxConfig, SandboxServer

_START_TIMEOUT = 120.0


@dataclass(frozen=True)
class SandboxHoldings:
    """What the sandbox held when it stopped."""

    runs: int
    distinct_files: int
    results: int
    requests: int
    rate_limited_429: int
    #: Wall-clock arrival times of the requests it let through (not 429), oldest first.
    arrivals: tuple[float, ...] = ()


def _serve(tenant_file: Path, rate_limit: tuple[int, float] | None, conn: Connection) -> None:
    limit = None if rate_limit is None else RateLimit(*rate_limit)
    config = SandboxConfig.from_tenant_file(tenant_file, rate_limit=limit)
    with SandboxServer(config) as server:
        conn.send((server.base_url, server.api_key))
        conn.recv()  # asked to stop
        runs = server.store.runs()
        shas = {r["fields"].get("file_sha256", {}).get("value") for r in runs}
        conn.send(
            SandboxHoldings(
                runs=len(runs),
                distinct_files=len(shas - {None}),
                results=len(server.store.results()),
                requests=server.request_log.count(),
                rate_limited_429=server.request_log.count(status=429),
                arrivals=tuple(
                    sorted(
                        e.arrived_at
                        for e in server.request_log.entries()
                        if e.arrived_at is not None and e.status != 429
                    )
                ),
            )
        )


class SandboxProcess:
    """``with SandboxProcess(tenant, (300, 30.0)) as sandbox:`` ... ``sandbox.stop()`` → holdings."""

    def __init__(self, tenant_file: Path, rate_limit: tuple[int, float] | None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(tenant_file, rate_limit, child), name="bench-sandbox", daemon=True
        )
        self._process.start()
        if not self._conn.poll(_START_TIMEOUT):
            self._process.kill()
            raise RuntimeError("The sandbox process did not start.")
        self.base_url, self.api_key = self._conn.recv()
        self._holdings: SandboxHoldings | None = None

    def stop(self) -> SandboxHoldings:
        if self._holdings is None:
            self._conn.send("stop")
            self._holdings = self._conn.recv()
            self._process.join(timeout=30)
        return self._holdings

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._holdings is None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=30)


def measure_ceiling(tenant_file: Path, *, seconds: float = 5.0, threads: int = 4) -> dict[str, Any]:
    """Requests per second the sandbox answers with no rate limit: half reads (a run schema), half 2 KB
    blob uploads, from ``threads`` threads on kept-alive connections. The senders share this process's
    CPU, so the figure is a floor of the sandbox's own ceiling."""
    body = b"time_min,signal\n" + b"0.01,12.5\n" * 200
    blob = {
        "name": "trace.csv",
        "type": "RAW_FILE",
        "data64": base64.b64encode(body).decode(),
        "md5": hashlib.md5(body).hexdigest(),  # Benchling's checksum, not security
    }
    counts = [0] * threads
    with SandboxProcess(tenant_file, None) as sandbox:
        stop = threading.Event()

        def send(n: int) -> None:
            with httpx.Client(
                base_url=sandbox.base_url + "/api/v2",
                transport=http_transport(1),
                auth=(sandbox.api_key, ""),
                timeout=30.0,
            ) as http:
                while not stop.is_set():
                    if counts[n] % 2:
                        response = http.post("/blobs", json=blob)
                    else:
                        response = http.get("/assay-run-schemas")
                    response.raise_for_status()
                    counts[n] += 1

        workers = [threading.Thread(target=send, args=(n,), name=f"ceiling-{n}") for n in range(threads)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        stop.wait(seconds)
        stop.set()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        held = sandbox.stop()
    return {
        "threads": threads,
        "seconds": round(elapsed, 1),
        "requests": sum(counts),
        "requests_per_s": round(sum(counts) / elapsed, 1),
        "sandbox_counted": held.requests,
    }
