from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.benchling import BenchlingClient, RateLimit, RetryPolicy
from ingest.errors import BenchlingUnavailableError
from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from ingest.sandbox import RateLimit as SandboxRateLimit
from tests.integration.client.wire_bodies import RUN_SCHEMA, ClientFactory, SandboxFactory


def test_client_limiter_at_the_tenant_limit_draws_no_429(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(rate_limit=SandboxRateLimit(10, 1.0))
    client = make_client(server, rate_limit=RateLimit(10, 1.0))
    with ThreadPoolExecutor(max_workers=4) as pool:
        schemas = list(pool.map(lambda _: client.get_run_schema(RUN_SCHEMA), range(40)))
    assert len(schemas) == 40
    assert server.request_log.count(status=429) == 0
    assert client.stats.rate_limited == 0


def test_client_follows_rate_limit_headers_when_configured_too_high(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(rate_limit=SandboxRateLimit(10, 1.0))
    client = make_client(server, rate_limit=RateLimit(1000, 1.0))
    for _ in range(25):
        client.get_run_schema(RUN_SCHEMA)
    assert server.request_log.count(status=429) == 0


def test_429_storm_is_waited_out(start_sandbox: SandboxFactory, make_client: ClientFactory) -> None:
    server = start_sandbox(faults=FaultSpec.parse("GET /assay-run-schemas/*: 429=0.6"))
    client = make_client(server)
    for _ in range(15):
        assert client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA
    assert client.stats.rate_limited > 0
    assert client.stats.rate_limited == server.request_log.count(status=429)


def test_5xx_drops_and_latency_on_reads_are_retried(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    spec = FaultSpec(
        rules=(
            FaultRule(
                method="GET",
                path="/*",
                probabilities={"500": 0.1, "502": 0.1, "503": 0.1, "drop": 0.15},
                latency=0.01,
            ),
        )
    )
    server = start_sandbox(faults=spec)
    client = make_client(server)
    for _ in range(20):
        assert len(client.list_registries()) >= 1
        assert client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA
    assert client.stats.retries > 0


def test_maintenance_window_pauses_instead_of_failing(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec(maintenance_seconds=0.4))
    client = make_client(server)
    assert client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA
    assert server.request_log.count(status=503) >= 1


def test_maintenance_longer_than_the_patience_fails_as_unavailable(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec(maintenance_seconds=60))
    client = make_client(server, maintenance_patience_seconds=0.2)
    with pytest.raises(BenchlingUnavailableError) as caught:
        client.get_run_schema(RUN_SCHEMA)
    assert caught.value.status == 503


def test_a_read_slower_than_the_timeout_fails_as_unavailable(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    import httpx

    server = start_sandbox(faults=FaultSpec.parse("GET /assay-run-schemas/*: latency=0.5"))
    policy = RetryPolicy(initial_backoff=0.01, max_backoff=0.02, jitter=0.0, max_attempts=2)
    client = make_client(server, timeout=httpx.Timeout(0.1), retry_policy=policy)
    with pytest.raises(BenchlingUnavailableError) as caught:
        client.get_run_schema(RUN_SCHEMA)
    assert caught.value.context["network_error"] == "ReadTimeout"
    assert client.stats.requests["GET /assay-run-schemas/{schema_id}"] == 2


def test_stats_count_requests_by_endpoint_template(sandbox: SandboxServer, client: BenchlingClient) -> None:
    client.get_run_schema(RUN_SCHEMA)
    client.get_result_schema("assaysch_chromres01")
    stats = client.stats
    assert stats.requests == {
        "GET /assay-run-schemas/{schema_id}": 1,
        "GET /assay-result-schemas/{schema_id}": 1,
    }
    assert stats.total_requests == 2
