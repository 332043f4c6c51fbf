"""Backfill throughput under the tenant's rate limit: requests per file and the share of the bound; JSON out.

    .venv/bin/python -m bench.backfill                          # 1,000 files, rate limit 60/30
    .venv/bin/python -m bench.backfill --quick                  # 150 files
    .venv/bin/python -m bench.backfill --rate-limit 600/30      # shorter run at a higher limit

N generated LC exports (``tests/support/corpus.py``: 10-100 results each, samples SMP-001..SMP-020, one trace
file each) are reprocessed through ``Backfill`` (as ``benchling-ingest reprocess`` does) against a
sandbox on 127.0.0.1 whose rate limit is ON; the client's limiter is set to the same limit. The
bound is what the limit allows at our request count: (limit requests / window seconds) / requests per
file. A run starts with a full window's budget, so over a short run the share of that bound can exceed
1; ``share_of_window_exact_bound`` is the stricter figure: requests sent over the most a window limit
lets through in the run's time (limit x (seconds / window + 1)).

For comparison, a naive script (plain httpx; 6 requests per file: list schemas, create run, upload
blob, list registries, bulk-get entities, create results) ingests a sample of the same files into a
second sandbox (rate limit off: only its request count is compared).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from ingest.benchling import ApiKey, ClientSettings
from ingest.benchling import RateLimit as ClientRateLimit
from ingest.operations.reprocess import Selection, reprocess, select_exports
from ingest.pipeline import Outcome
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import RateLimit as SandboxRateLimit
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from tests.support.corpus import GoodExport, write_corpus

REPO = Path(__file__).resolve().parents[1]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
MAP_FILE = REPO / "schemas_map.yaml"
QUICK_FILES = 150
NAIVE_REQUESTS_PER_FILE = 6
TARGET_SHARE = 0.95
TARGET_EXTRA_REQUESTS = 0.2


def parse_limit(text: str) -> tuple[int, float]:
    requests, _, seconds = text.partition("/")
    return int(requests), float(seconds)


def run_backfill(
    folder: Path, exports: Sequence[GoodExport], limit: tuple[int, float], batch: int
) -> dict[str, Any]:
    requests, window = limit
    config = SandboxConfig.from_tenant_file(TENANT_FILE, rate_limit=SandboxRateLimit(requests, window))
    with SandboxServer(config) as server:
        client_settings = ClientSettings(
            server.base_url, ApiKey(server.api_key), ClientRateLimit(requests, window)
        )
        settings = load_settings({}, map_path=MAP_FILE, home=folder / "state", client=client_settings)
        finished: list[tuple[float, Outcome]] = []
        with open_pipeline(settings) as pipeline:
            root = folder / "archive"
            paths = select_exports(pipeline, root, Selection())
            started = time.perf_counter()
            reprocess(
                pipeline,
                paths,
                root=root,
                batch_files=batch,
                on_outcome=lambda o: finished.append((time.perf_counter() - started, o)),
            )
            seconds = time.perf_counter() - started
            stats = pipeline.client_stats
        runs = server.store.runs()
        results = server.store.results()
        server_429 = server.request_log.count(status=429)
    files = len(paths)
    kinds: dict[str, int] = {}
    for _, outcome in finished:
        kinds[outcome.kind] = kinds.get(outcome.kind, 0) + 1
    per_file = stats.total_requests / files
    blob_uploads = stats.requests.get("POST /blobs", 0) / files
    files_per_s = files / seconds
    bound = (requests / window) / per_file
    most_allowed = requests * (seconds / window + 1)
    sha_values = [r["fields"]["file_sha256"]["value"] for r in runs]
    expected_results = sum(e.results for e in exports)
    return {
        "files": files,
        "rate_limit": f"{requests}/{window:g}",
        "batch_files": batch,
        "seconds": round(seconds, 1),
        "requests": stats.total_requests,
        "requests_by_endpoint": dict(sorted(stats.requests.items())),
        "requests_per_file": round(per_file, 3),
        "blob_uploads_per_file": round(blob_uploads, 3),
        "non_blob_requests_per_file": round(per_file - blob_uploads, 3),
        "files_per_s": round(files_per_s, 3),
        "bound_files_per_s": round(bound, 3),
        "share_of_bound": round(files_per_s / bound, 3),
        "share_of_window_exact_bound": round(stats.total_requests / most_allowed, 3),
        "rate_limited_429_client": stats.rate_limited,
        "rate_limited_429_server": server_429,
        "retries": stats.retries,
        "outcomes": kinds,
        "failures": kinds.get("failed", 0) + kinds.get("waiting", 0),
        "runs_stored": len(runs),
        "distinct_files_in_runs": len(set(sha_values)),
        "results_stored": len(results),
        "results_expected": expected_results,
        "targets": {
            "requests_per_file_at_most": round(blob_uploads + TARGET_EXTRA_REQUESTS, 3),
            "share_of_bound_at_least": TARGET_SHARE,
            "failures": 0,
        },
    }


def naive_ingest(client: httpx.Client, export: GoodExport) -> int:
    """The seeds' flow, one file at a time, as a short script would write it; returns requests sent."""
    sent = 0

    def call(method: str, url: str, **kwargs: Any) -> Any:
        nonlocal sent
        sent += 1
        response = client.request(method, url, **kwargs)
        response.raise_for_status()
        return response.json()

    with export.csv.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    schemas = call("GET", "/assay-run-schemas")["assayRunSchemas"]
    run_schema = next(s["id"] for s in schemas if s["name"] == "Chromatography Run")
    run = {
        "schemaId": run_schema,
        "fields": {"instrument": rows[0]["Instrument"], "method": rows[0]["Method"]},
    }
    run_id = call("POST", "/assay-runs", json={"assayRuns": [run]})["assayRuns"][0]
    data = export.csv.read_bytes()
    blob = call(
        "POST",
        "/blobs",
        json={
            "name": export.csv.name,
            "type": "RAW_FILE",
            "data64": base64.b64encode(data).decode(),
            "md5": hashlib.md5(data).hexdigest(),
        },
    )
    registry = next(r["id"] for r in call("GET", "/registries")["registries"] if r["name"] == "Samples")
    wanted = ",".join(sorted({r["Sample ID"] for r in rows}))
    entities = call(
        "GET",
        f"/registries/{registry}/registered-entities:bulk-get",
        params={"entityRegistryIds": wanted},
    )["entities"]
    by_registry_id = {e["entityRegistryId"]: e["id"] for e in entities}
    results = [
        {
            "schemaId": "assaysch_chromres01",
            "fields": {
                "run": run_id,
                "sample": by_registry_id[r["Sample ID"]],
                "retention_time_min": float(r["RT (min)"]),
                "area": float(r["Area"]),
                "peak_name": r["Peak Name"],
                "chromatogram": blob["id"],
            },
        }
        for r in rows
    ]
    call("POST", "/assay-results", json={"assayResults": results})
    return sent


def run_naive(exports: Sequence[GoodExport]) -> dict[str, Any]:
    config = SandboxConfig.from_tenant_file(TENANT_FILE, rate_limit=None)
    with (
        SandboxServer(config) as server,
        httpx.Client(base_url=server.api_url, auth=(server.api_key, ""), timeout=60.0) as client,
    ):
        sent = sum(naive_ingest(client, export) for export in exports)
        runs = len(server.store.runs())
    return {
        "files": len(exports),
        "requests": sent,
        "requests_per_file": round(sent / len(exports), 3),
        "runs_stored": runs,
        "sandbox_rate_limit": "off (only the request count is compared)",
    }


def measure(files: int, limit: tuple[int, float], batch: int, naive_sample: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as scratch:
        folder = Path(scratch)
        generated = time.perf_counter()
        exports = write_corpus(folder / "archive", files, seed=seed)
        generate_s = time.perf_counter() - generated
        ours = run_backfill(folder, exports, limit, batch)
        naive = run_naive(exports[: min(naive_sample, len(exports))])
    ours["generate_s"] = round(generate_s, 1)
    ratio = naive["requests_per_file"] / ours["requests_per_file"]
    verdicts = {
        "requests_per_file": ours["requests_per_file"] <= ours["targets"]["requests_per_file_at_most"],
        "share_of_bound": ours["share_of_bound"] >= TARGET_SHARE,
        "no_failures": ours["failures"] == 0 and ours["runs_stored"] == ours["files"],
    }
    return {
        "benchmark": "backfill",
        "backfill": ours,
        "naive_script": naive,
        "naive_over_ours_requests_per_file": round(ratio, 2),
        "naive_over_ours_non_blob_requests_per_file": round(
            (naive["requests_per_file"] - 1) / ours["non_blob_requests_per_file"], 1
        )
        if ours["non_blob_requests_per_file"]
        else None,
        "targets_met": verdicts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=1000, help="files to reprocess (default 1000)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_FILES} files")
    parser.add_argument("--rate-limit", default="60/30", help="REQUESTS/SECONDS for sandbox and client")
    parser.add_argument("--batch", type=int, default=25, help="files per batched run/result create")
    parser.add_argument("--naive-sample", type=int, default=20, help="files the naive script ingests")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = QUICK_FILES if args.quick else args.files
    figures = measure(files, parse_limit(args.rate_limit), args.batch, args.naive_sample, args.seed)
    print(json.dumps(figures, indent=2))
    return 0 if figures["targets_met"]["no_failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
