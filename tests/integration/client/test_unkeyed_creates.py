"""Creates Benchling gives an id of its own (``POST /blobs``, ``POST /result-transactions``): over real HTTP,
a create whose answer is lost is sent again a bounded number of times, and every lost answer is counted
as a possible orphan, which the sandbox shows is what it leaves behind."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest.benchling import RetryPolicy
from ingest.errors import AmbiguousWriteError
from ingest.sandbox import FaultSpec, SandboxServer
from ingest.sandbox.store import Kind
from tests.integration.client.wire_bodies import ClientFactory, SandboxFactory, result_body, run_body

SHORT_READ = httpx.Timeout(10.0, read=0.3)
LATE = 1.5  # seconds the sandbox waits before answering: far beyond the client's read timeout
THREE_TRIES = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, jitter=0.01, max_attempts=3)


def _wait_for(count: int, kind: Kind, server: SandboxServer) -> list[dict[str, Any]]:
    """The sandbox's records of ``kind`` once there are ``count`` (late requests still arriving)."""
    deadline = time.monotonic() + 30.0
    while len(records := server.store.all(kind)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return records


def test_a_blob_upload_whose_answer_is_lost_is_sent_again_and_counted(
    start_sandbox: SandboxFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /blobs: script=commit_then_502"))
    client = make_client(server)
    path = tmp_path / "trace.csv"
    path.write_bytes(b"time,signal\n0,1\n")

    blob = client.upload_blob(path)

    assert client.get_blob(blob.id).upload_status == "COMPLETE"
    assert server.request_log.count(method="POST", path="/api/v2/blobs") == 2
    assert client.stats.possible_orphans == 1
    assert len(server.store.all("blobs")) == 2  # the first upload: stored, never linked


def test_blob_uploads_that_time_out_stop_after_max_attempts_naming_what_they_left(
    start_sandbox: SandboxFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = start_sandbox(faults=FaultSpec.parse(f"POST /blobs: latency={LATE}"))
    client = make_client(server, timeout=SHORT_READ, retry_policy=THREE_TRIES)
    path = tmp_path / "trace.csv"
    path.write_bytes(b"time,signal\n0,1\n")

    with pytest.raises(AmbiguousWriteError) as caught:
        client.upload_blob(path)

    assert "got no usable answer in 3 attempts" in caught.value.message
    assert "may have left an unlinked blob on Benchling" in caught.value.message
    assert client.stats.possible_orphans == 3
    # Each timed-out upload was stored once its late answer was due: three orphans, as counted.
    assert len(_wait_for(3, "blobs", server)) == 3


def test_a_result_transaction_start_whose_answer_is_lost_leaves_one_empty_open_transaction(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /result-transactions: script=commit_then_502"))
    client = make_client(server)
    run_id = client.create_run(run_body())

    ids = client.create_results([result_body(run_id, i) for i in range(150)])

    assert sorted(r["id"] for r in server.store.results()) == sorted(ids)
    assert client.stats.possible_orphans == 1
    statuses = sorted(str(t["status"]) for t in server.store.all("transactions"))
    assert statuses == ["COMMITTED", "OPEN"]  # the orphan holds nothing and is never committed


def test_result_transaction_starts_that_time_out_stop_after_max_attempts(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec.parse(f"POST /result-transactions: latency={LATE}"))
    client = make_client(server, timeout=SHORT_READ, retry_policy=THREE_TRIES)
    run_id = client.create_run(run_body())

    with pytest.raises(AmbiguousWriteError) as caught:
        client.create_results([result_body(run_id, i) for i in range(150)])

    assert "may have left an empty open result transaction on Benchling" in caught.value.message
    assert client.stats.possible_orphans == 3
    assert server.store.results() == []
    assert len(_wait_for(3, "transactions", server)) == 3
