"""The client against the sandbox app in-process (no sockets): the transport seam end to end."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ingest.benchling import ApiKey, BenchlingClient, RateLimit, RetryPolicy
from ingest.errors import BenchlingRejectedError
from ingest.sandbox import FaultSpec, SandboxConfig, create_app, inprocess_transport
from tests.support.fake_time import FakeTime

TENANT_FILE = Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml"
POLICY = RetryPolicy(initial_backoff=0.5, max_backoff=2.0, jitter=0.0, max_attempts=4)


def make(faults: str = "") -> tuple[BenchlingClient, FakeTime]:
    config = SandboxConfig.from_tenant_file(TENANT_FILE, rate_limit=None, faults=FaultSpec.parse(faults))
    time = FakeTime()
    client = BenchlingClient(
        "http://sandbox",
        ApiKey("sandbox-api-key"),
        transport=inprocess_transport(create_app(config)),
        rate_limit=RateLimit(1000, 1.0),
        retry_policy=POLICY,
        clock=time.clock,
        sleep=time.sleep,
    )
    return client, time


def run_body() -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "schemaId": "assaysch_chromrun01", "fields": {"instrument": "HPLC-01"}}


def test_dropped_connection_on_create_is_checked_then_resent() -> None:
    client, time = make("POST /assay-runs: script=drop")
    with client:
        run_id = client.create_run(run_body())
        assert client.get_run(run_id).id == run_id
        assert client.stats.requests["POST /assay-runs"] == 2
        assert client.stats.ambiguous_writes == 1
        # The backoff went through the injected sleep, never the wall clock.
        assert time.sleeps and all(s <= POLICY.max_backoff for s in time.sleeps)


def test_reads_back_off_exponentially_on_5xx() -> None:
    client, time = make("GET /assay-run-schemas/*: script=502,503,500")
    with client:
        assert client.get_run_schema("assaysch_chromrun01").id == "assaysch_chromrun01"
        assert time.sleeps == [0.5, 1.0, 2.0]
        assert client.stats.retries == 3


def test_unknown_run_is_rejected_not_retried() -> None:
    client, time = make()
    with client, pytest.raises(BenchlingRejectedError) as caught:
        client.get_run(str(uuid.uuid4()))
    # The spec lists 400 for an unknown run id (404 elsewhere); either way it is terminal.
    assert caught.value.status in (400, 404)
    assert caught.value.path == "/assay-runs/{run_id}"
    assert time.sleeps == []
    assert client.stats.total_requests == 1


def test_api_url_is_appended_once() -> None:
    client, _ = make()
    with client:
        assert "http://sandbox/api/v2" in repr(client)
