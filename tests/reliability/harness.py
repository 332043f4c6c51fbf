"""Shared pieces of the reliability suite: sandboxes on 127.0.0.1 in this process (they outlive any
killed client process), the CLI as a subprocess, and the one assertion every suite ends with:
every good file is exactly one run (found by its ``file_sha256`` field) with all its results."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from ingest.benchling import ApiKey, BenchlingClient, ClientSettings, RateLimit, RetryPolicy
from ingest.filing import FilingOptions
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from tests.support.corpus import GoodExport

REPO = Path(__file__).resolve().parents[2]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
MAP_FILE = REPO / "schemas_map.yaml"
CLI = Path(sys.executable).parent / ("benchling-ingest.exe" if os.name == "nt" else "benchling-ingest")


def sandbox_config(**overrides: object) -> SandboxConfig:
    options: dict[str, object] = {"rate_limit": None}
    options.update(overrides)
    return SandboxConfig.from_tenant_file(TENANT_FILE, **options)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config()) as server:
        yield server


@pytest.fixture
def map_without_png(tmp_path: Path) -> Path:
    """schemas_map.yaml without the rendered chromatogram PNG.

    Rendering costs ~0.3 s of CPU per file and has nothing to do with exactly-once delivery; leaving it
    out lets the suites push hundreds of files through in a few seconds. Everything else is unchanged.
    """
    document = yaml.safe_load(MAP_FILE.read_text(encoding="utf-8"))
    for mapping in document["mappings"]:
        if "chromatogram_png" not in mapping.get("blobs", {}):
            continue
        del mapping["blobs"]["chromatogram_png"]
        for part in ("run", "results"):
            fields = mapping.get(part, {}).get("fields", {})
            for name, spec in list(fields.items()):
                if spec == {"blob": "chromatogram_png"}:
                    del fields[name]
    target = tmp_path / "schemas_map_no_png.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


def cli_environment(
    server: SandboxServer, home: Path, map_path: Path, *, secret: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment a CLI subprocess needs to reach ``server`` (API key unless ``secret`` is given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
    env.update(
        {
            "BENCHLING_URL": server.base_url,
            "BENCHLING_RATE_LIMIT": "100000/1",
            "BENCHLING_INGEST_MAP": str(map_path),
            "BENCHLING_INGEST_HOME": str(home),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(secret if secret is not None else {"BENCHLING_API_KEY": server.api_key})
    return env


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_each_once(server: SandboxServer, exports: Sequence[GoodExport]) -> None:
    """Every export is exactly one run (by ``file_sha256``) holding exactly its results; nothing else."""
    runs = server.store.runs()
    by_sha = Counter(str(r["fields"]["file_sha256"]["value"]) for r in runs)
    wanted = {e.sha256: e for e in exports}
    missing = [e.csv.name for sha, e in wanted.items() if by_sha[sha] == 0]
    doubled = {wanted[sha].csv.name if sha in wanted else sha: n for sha, n in by_sha.items() if n > 1}
    strangers = [sha for sha in by_sha if sha not in wanted]
    assert not missing, f"{len(missing)} good file(s) have no run: {missing[:10]}"
    assert not doubled, f"file(s) with more than one run: {doubled}"
    assert not strangers, f"runs for files that are not good exports: {strangers[:5]}"
    results = server.store.results()
    ids = Counter(r["id"] for r in results)
    assert all(n == 1 for n in ids.values()), "a result id is stored twice"
    per_run = Counter(
        r["fields"]["run"]["value"] for r in results if r["fields"].get("run", {}).get("value") is not None
    )
    short = {
        wanted[str(run["fields"]["file_sha256"]["value"])].csv.name: (
            per_run[run["id"]],
            wanted[str(run["fields"]["file_sha256"]["value"])].results,
        )
        for run in runs
        if per_run[run["id"]] != wanted[str(run["fields"]["file_sha256"]["value"])].results
    }
    assert not short, f"runs whose results differ from their file's rows (stored, expected): {short}"
    assert len(results) == sum(e.results for e in exports)


FAST_RETRIES = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, jitter=0.0)


@contextmanager
def open_test_pipeline(
    server: SandboxServer,
    home: Path,
    map_path: Path,
    *,
    filing: FilingOptions | None = None,
) -> Iterator[Pipeline]:
    """A pipeline wired as the CLI wires it, with fast client retries and no client-side rate limit."""
    client = BenchlingClient(
        server.base_url,
        ApiKey(server.api_key),
        retry_policy=FAST_RETRIES,
        rate_limit=RateLimit(100_000, 1.0),
    )
    settings = load_settings(
        {}, map_path=map_path, home=home, client=ClientSettings(server.base_url, ApiKey(server.api_key))
    )
    with client, open_pipeline(settings, filing_options=filing, client=client) as pipeline:
        yield pipeline


POLL_SECONDS = 0.1


def kill_when(
    process: subprocess.Popen[bytes], condition: Callable[[], bool], timeout: float, delay: float = 0.0
) -> bool:
    """SIGKILL ``process`` ``delay`` seconds after ``condition`` holds; False when it ended (or timed
    out) first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            time.sleep(delay)
            landed = process.poll() is None
            process.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to clean up
            process.wait(timeout=30)
            return landed
        time.sleep(POLL_SECONDS)
    process.kill()
    process.wait(timeout=30)
    return False
