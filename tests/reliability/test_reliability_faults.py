"""A fault mix on every endpoint (5% 429, 5% 5xx, 2% dropped connections, 1% commit-then-502): every good
file still becomes exactly one run with exactly its results, through the one-file path (``run``/``watch``)
and through the batched backfill path (``reprocess``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability.harness import assert_each_once, open_test_pipeline, sandbox_config

from ingest.pipeline import Backfill, Pipeline
from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from ingest.watch import describe_path
from tests.support.corpus import write_corpus

FILES = 60
MAX_ROUNDS = 30
FAULT_MIX = FaultSpec(
    rules=(
        FaultRule(
            method="*",
            path="*",
            probabilities={
                "429": 0.05,
                "500": 0.02,
                "502": 0.015,
                "503": 0.015,
                "drop": 0.02,
                "commit_then_502": 0.01,
            },
        ),
    )
)


def finish_pending(pipeline: Pipeline) -> None:
    """Retry waiting rows (transient failures) until none is left, as the service's next cycles would."""
    for _ in range(MAX_ROUNDS):
        if not pipeline.ledger.pending(include_waiting=True):
            return
        pipeline.resume(include_waiting=True)
    left = [(r.path.name, r.state, (r.last_error or {}).get("message")) for r in pipeline.ledger.pending()]
    pytest.fail(f"rows still pending after {MAX_ROUNDS} rounds: {left[:5]}")


def ingest_under_faults(tmp_path: Path, map_path: Path, path: str, seed: int, files: int) -> None:
    folder = tmp_path / "inbox"
    exports = write_corpus(folder, files, seed=seed)
    with SandboxServer(sandbox_config(faults=FAULT_MIX, seed=seed)) as server:
        with open_test_pipeline(server, tmp_path / "state", map_path) as pipeline:
            if path == "one_file":
                for export in exports:
                    pipeline.ingest(describe_path(export.csv), root=folder)
            else:
                Backfill(pipeline, batch_files=10).run([e.csv for e in exports], root=folder)
            finish_pending(pipeline)
            assert pipeline.ledger.counts()["done"] == files
            assert pipeline.ledger.counts()["failed"] == 0
        log = server.request_log
        injected = {
            "429": log.count(status=429),
            "5xx": log.count(status=500) + log.count(status=502) + log.count(status=503),
            "dropped": log.count(status=0),
        }
        assert all(injected.values()), f"the fault mix did not show every fault kind: {injected}"
        assert_each_once(server, exports)


@pytest.mark.parametrize("path", ["one_file", "backfill"])
def test_fault_mix_leaves_each_file_exactly_once(tmp_path: Path, map_without_png: Path, path: str) -> None:
    ingest_under_faults(tmp_path, map_without_png, path, seed=1, files=FILES)


@pytest.mark.slow
@pytest.mark.parametrize("path", ["one_file", "backfill"])
@pytest.mark.parametrize("seed", [2, 3, 4])
def test_fault_mix_many_files(tmp_path: Path, map_without_png: Path, path: str, seed: int) -> None:
    ingest_under_faults(tmp_path, map_without_png, path, seed=seed, files=200)
