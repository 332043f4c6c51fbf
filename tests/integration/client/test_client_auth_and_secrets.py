from __future__ import annotations

import base64
import logging

import pytest

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials
from ingest.errors import BenchlingAuthError
from ingest.sandbox import ManualClock, SandboxServer
from tests.integration.client.wire_bodies import FAST, RUN_SCHEMA, ClientFactory, SandboxFactory, run_body

API_KEY = "sk_live_integration_secret_4711"
CLIENT_SECRET = "cs_integration_secret_0815"


def secret_forms() -> list[str]:
    return [
        API_KEY,
        CLIENT_SECRET,
        base64.b64encode(f"{API_KEY}:".encode()).decode(),
        base64.b64encode(f"app-1:{CLIENT_SECRET}".encode()).decode(),
    ]


def secret_sandbox(start_sandbox: SandboxFactory, **overrides: object) -> SandboxServer:
    return start_sandbox(api_keys=(API_KEY,), oauth_clients={"app-1": CLIENT_SECRET}, **overrides)


def test_api_key_reads_schemas(sandbox: SandboxServer, client: BenchlingClient) -> None:
    schemas = client.list_run_schemas()
    assert RUN_SCHEMA in {s.id for s in schemas}
    assert client.get_run_schema(RUN_SCHEMA).field_definitions


def test_wrong_api_key_is_a_clear_auth_error_without_retries(sandbox: SandboxServer) -> None:
    with BenchlingClient(sandbox.base_url, ApiKey("wrong-key"), retry_policy=FAST) as client:
        with pytest.raises(BenchlingAuthError) as caught:
            client.get_run_schema(RUN_SCHEMA)
        assert caught.value.status == 401
        assert "GET /assay-run-schemas/{schema_id}" in str(caught.value)
        assert client.stats.total_requests == 1
        assert client.stats.retries == 0


def test_wrong_oauth_secret_is_a_clear_auth_error(sandbox: SandboxServer) -> None:
    credentials = ClientCredentials("sandbox-client", "not-the-secret")
    with BenchlingClient(sandbox.base_url, credentials, retry_policy=FAST) as client:
        with pytest.raises(BenchlingAuthError) as caught:
            client.list_run_schemas()
        assert caught.value.error_type == "invalid_client"
        assert client.stats.retries == 0


def test_oauth_token_is_fetched_once_and_reused(sandbox: SandboxServer, make_client: ClientFactory) -> None:
    client = make_client(sandbox, oauth=True)
    for _ in range(3):
        client.get_run_schema(RUN_SCHEMA)
    assert client.stats.requests["POST /token"] == 1


def test_token_expired_on_the_server_is_refreshed_once(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    clock = ManualClock()
    server = start_sandbox(clock=clock, token_ttl_seconds=900)
    client = make_client(server, oauth=True)
    client.get_run_schema(RUN_SCHEMA)
    clock.advance(1000)  # the server now considers the client's token expired; the client does not know
    client.get_run_schema(RUN_SCHEMA)
    assert client.stats.requests["POST /token"] == 2
    assert server.request_log.count(status=401) == 1


def test_token_is_refreshed_before_it_expires(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(token_ttl_seconds=900)
    now = [0.0]
    client = make_client(server, oauth=True, clock=lambda: now[0])
    client.get_run_schema(RUN_SCHEMA)
    now[0] += 900 - 30  # inside the refresh margin (60 s for a 900 s token)
    client.get_run_schema(RUN_SCHEMA)
    assert client.stats.requests["POST /token"] == 2
    assert server.request_log.count(status=401) == 0


def test_no_secret_in_logs_errors_or_reprs(
    start_sandbox: SandboxFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = secret_sandbox(start_sandbox)
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        with BenchlingClient(server.base_url, ApiKey(API_KEY), retry_policy=FAST) as good:
            good.create_run(run_body())
            texts += [repr(good), str(good.stats)]
        oauth = ClientCredentials("app-1", CLIENT_SECRET)
        with BenchlingClient(server.base_url, oauth, retry_policy=FAST) as app:
            app.list_result_schemas()
            texts += [repr(app), repr(oauth), str(oauth)]
        wrong = ClientCredentials("app-1", CLIENT_SECRET + "x")
        with BenchlingClient(server.base_url, wrong, retry_policy=FAST) as refused:
            with pytest.raises(BenchlingAuthError) as refused_error:
                refused.list_registries()
            texts += [str(refused_error.value), repr(refused_error.value), str(refused_error.value.to_dict())]
        with BenchlingClient(server.base_url, ApiKey(API_KEY + "x"), retry_policy=FAST) as bad:
            with pytest.raises(BenchlingAuthError) as caught:
                bad.create_run(run_body())
            texts += [str(caught.value), repr(caught.value), str(caught.value.to_dict()), repr(bad)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("POST /assay-runs" in t for t in texts), "the checks must see real log lines"
    for text in texts:
        for secret in secret_forms():
            assert secret not in text
