"""Peak memory of the client while uploading one large blob to a sandbox on 127.0.0.1.

The sandbox runs in a child process so only the client's memory is measured. A thread samples the
process RSS (psutil) every 5 ms; the figures are printed as JSON. Target: peak below 200 MB whatever
the file size, because multipart uploads stream the file from disk one part at a time.

    .venv/bin/python -m bench.blob_memory --size-mb 1024
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no stubs installed

REPO = Path(__file__).resolve().parents[1]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
MB = 1024 * 1024


def _serve(conn: Connection) -> None:
    """Child process: run the sandbox without a rate limit, report its URL, answer md5 queries."""
    from ingest.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig.from_tenant_file(TENANT_FILE, rate_limit=None)
    with SandboxServer(config) as server:
        conn.send((server.base_url, server.api_key))
        while True:
            blob_id = conn.recv()
            if blob_id is None:
                break
            conn.send(hashlib.md5(server.blob_bytes(blob_id)).hexdigest())


def _write_file(path: Path, size: int) -> str:
    digest = hashlib.md5()
    block = os.urandom(MB)
    with path.open("wb") as stream:
        written = 0
        while written < size:
            piece = block[: min(MB, size - written)]
            stream.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


class RssSampler(threading.Thread):
    def __init__(self, interval: float = 0.005) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self._process = psutil.Process()
        self._interval = interval
        self._done = threading.Event()
        self.peak: int = int(self._process.memory_info().rss)

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, int(self._process.memory_info().rss))
            self._done.wait(self._interval)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def measure(size_mb: int, part_mb: int) -> dict[str, object]:
    from ingest.benchling import ApiKey, BenchlingClient, RateLimit

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    server.start()
    try:
        base_url, api_key = parent.recv()
        with tempfile.TemporaryDirectory(prefix="blob-memory-") as folder:
            path = Path(folder) / f"generated-{size_mb}mb.bin"
            expected_md5 = _write_file(path, size_mb * MB)
            client = BenchlingClient(
                base_url, ApiKey(api_key), rate_limit=RateLimit(10_000, 1.0), blob_part_bytes=part_mb * MB
            )
            with client:
                baseline = psutil.Process().memory_info().rss
                sampler = RssSampler()
                sampler.start()
                started = time.perf_counter()
                blob = client.upload_blob(path)
                seconds = time.perf_counter() - started
                peak = sampler.stop()
                stats = client.stats
            parent.send(blob.id)
            stored_md5 = parent.recv()
        return {
            "size_mb": size_mb,
            "part_mb": part_mb,
            "baseline_rss_mb": round(baseline / MB, 1),
            "peak_rss_mb": round(peak / MB, 1),
            "peak_minus_baseline_mb": round((peak - baseline) / MB, 1),
            "seconds": round(seconds, 2),
            "throughput_mb_s": round(size_mb / seconds, 1) if seconds else None,
            "requests": stats.total_requests,
            "md5_matches": stored_md5 == expected_md5,
            "target_peak_mb": 200,
            "within_target": peak / MB < 200,
        }
    finally:
        parent.send(None)
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated file (default 1024)")
    parser.add_argument("--part-mb", type=int, default=10, help="multipart part size (default 10, minimum 5)")
    args = parser.parse_args(argv)
    figures = measure(args.size_mb, args.part_mb)
    print(json.dumps(figures, indent=2))
    return 0 if figures["md5_matches"] else 1


if __name__ == "__main__":
    sys.exit(main())
