"""Transport-level rules over HTTP: authentication, rate limits, pagination parameters, body size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conformance.sandbox.harness import MakeClient, StartSandbox
from conformance.sandbox.wire import (
    RESULT_SCHEMA,
    RESULT_SCHEMAS,
    RUN_SCHEMA,
    RUN_SCHEMAS,
    blob_body,
    error_text,
    run_create,
)

from ingest.sandbox import RateLimit, SandboxServer
from ingest.sandbox.clock import ManualClock

RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")
RATE_LIMIT_BODY = {
    "error": {
        "message": "Rate limit exceeded.",
        "type": "invalid_request_error",
        "userMessage": "Rate limit exceeded.",
    }
}


def assert_401(response: httpx.Response) -> None:
    assert response.status_code == 401, f"expected 401, got {response.status_code}: {response.text}"
    assert response.json()["error"]["message"]


# --- authentication --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/assay-run-schemas", None),
        ("GET", f"/assay-runs?schemaId={RUN_SCHEMA}", None),
        ("POST", "/assay-runs", {"assayRuns": [run_create()]}),
        ("POST", "/blobs", blob_body(b"x")),
        ("GET", "/registries", None),
    ],
)
def test_no_credentials_is_401(
    anonymous: httpx.Client, sandbox: SandboxServer, method: str, path: str, body: Any
) -> None:
    assert_401(anonymous.request(method, path, json=body))
    assert sandbox.store.runs() == [] and sandbox.store.blobs() == []


def test_wrong_api_key_is_401_and_does_not_echo_it(sandbox: SandboxServer, make_client: MakeClient) -> None:
    client = make_client(sandbox, auth=("wrong-key-s3cret", ""))
    response = client.get("/assay-run-schemas")
    assert_401(response)
    assert "wrong-key-s3cret" not in response.text


def test_unknown_bearer_token_is_401(sandbox: SandboxServer, make_client: MakeClient) -> None:
    client = make_client(sandbox)
    assert_401(client.get("/assay-run-schemas", headers={"Authorization": "Bearer not-a-token"}))


def token_request(
    client: httpx.Client, client_id: str, secret: str, grant: str = "client_credentials"
) -> httpx.Response:
    return client.post("/token", data={"grant_type": grant}, auth=(client_id, secret))


def test_client_credentials_token_then_bearer_then_expiry(
    start_sandbox: StartSandbox, make_client: MakeClient
) -> None:
    clock = ManualClock()
    server = start_sandbox(clock=clock, token_ttl_seconds=900)
    client = make_client(server)
    token = token_request(client, "sandbox-client", "sandbox-secret")
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"
    assert token.json()["expires_in"] == 900
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/assay-run-schemas", headers=bearer).status_code == 200
    clock.advance(899)
    assert client.get("/assay-run-schemas", headers=bearer).status_code == 200
    clock.advance(2)
    assert_401(client.get("/assay-run-schemas", headers=bearer))


def test_token_with_credentials_in_the_form_body(sandbox: SandboxServer, make_client: MakeClient) -> None:
    client = make_client(sandbox)
    response = client.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    )
    assert response.status_code == 200, response.text


def test_token_with_wrong_secret_is_oauth_401(sandbox: SandboxServer, make_client: MakeClient) -> None:
    response = token_request(make_client(sandbox), "sandbox-client", "wrong")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_client"


def test_token_with_unsupported_grant_is_oauth_400(sandbox: SandboxServer, make_client: MakeClient) -> None:
    response = token_request(make_client(sandbox), "sandbox-client", "sandbox-secret", grant="password")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "unsupported_grant_type"


# --- rate limit ------------------------------------------------------------------------------------------


def test_429_body_and_rate_headers(start_sandbox: StartSandbox, make_client: MakeClient) -> None:
    clock = ManualClock()
    server = start_sandbox(clock=clock, rate_limit=RateLimit(requests=3, window_seconds=30.0))
    client = make_client(server, auth=(server.api_key, ""))
    remaining = []
    for _ in range(3):
        response = client.get("/assay-run-schemas")
        assert response.status_code == 200, response.text
        assert response.headers["x-rate-limit-limit"] == "3"
        remaining.append(int(response.headers["x-rate-limit-remaining"]))
        assert 0 < int(response.headers["x-rate-limit-reset"]) <= 30
    assert remaining == [2, 1, 0]
    limited = client.get("/assay-run-schemas")
    assert limited.status_code == 429
    assert limited.json() == RATE_LIMIT_BODY
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert 0 < int(limited.headers["x-rate-limit-reset"]) <= 30
    clock.advance(30)
    assert client.get("/assay-run-schemas").status_code == 200


def test_rate_headers_on_every_kind_of_response(start_sandbox: StartSandbox, make_client: MakeClient) -> None:
    server = start_sandbox(rate_limit=RateLimit(requests=60, window_seconds=30.0))
    client = make_client(server, auth=(server.api_key, ""))
    responses = [
        client.get("/assay-run-schemas"),  # 200 list
        client.post("/assay-runs", json={"assayRuns": [run_create()]}),  # 200 create
        client.post("/blobs", json=blob_body(b"abc")),  # 200 blob
        client.get("/assay-runs"),  # 400 missing schemaId
        client.get("/blobs/6a1e4e8e-2222-4333-8444-555566667777"),  # 404
        client.post("/assay-results:bulk-create", json={"assayResults": []}),  # 202 or 400
    ]
    counted = list(responses)
    responses.append(make_client(server).get("/assay-run-schemas"))  # 401 (counted under another key)
    responses.append(token_request(make_client(server), "sandbox-client", "wrong"))  # OAuth 401
    for response in responses:
        missing = [h for h in RATE_HEADERS if h not in response.headers]
        assert not missing, (
            f"{response.request.method} {response.request.url.path} -> {response.status_code} lacks {missing}"
        )
    assert [int(r.headers["x-rate-limit-remaining"]) for r in counted] == list(range(59, 53, -1))


# --- pagination parameters -------------------------------------------------------------------------------


@pytest.fixture
def runs_130(api: httpx.Client) -> list[str]:
    response = api.post(
        "/assay-runs", json={"assayRuns": [run_create({"operator": f"op{i}"}) for i in range(130)]}
    )
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()["assayRuns"]
    assert len(ids) == 130
    return ids


def test_pages_end_with_an_empty_next_token(api: httpx.Client, runs_130: list[str]) -> None:
    first = api.get("/assay-runs", params={"schemaId": RUN_SCHEMA, "pageSize": 100})
    assert first.status_code == 200, first.text
    token = first.json()["nextToken"]
    assert isinstance(token, str) and token
    second = api.get("/assay-runs", params={"schemaId": RUN_SCHEMA, "pageSize": 100, "nextToken": token})
    assert second.status_code == 200, second.text
    assert "nextToken" in second.json() and second.json()["nextToken"] == ""
    seen = [r["id"] for r in first.json()["assayRuns"] + second.json()["assayRuns"]]
    assert sorted(seen) == sorted(runs_130)


def test_empty_next_token_is_the_first_page(api: httpx.Client, runs_130: list[str]) -> None:
    plain = api.get("/assay-runs", params={"schemaId": RUN_SCHEMA})
    empty = api.get("/assay-runs", params={"schemaId": RUN_SCHEMA, "nextToken": ""})
    assert empty.status_code == 200, empty.text
    assert [r["id"] for r in empty.json()["assayRuns"]] == [r["id"] for r in plain.json()["assayRuns"]]
    assert len(plain.json()["assayRuns"]) == 50  # the documented default page size


def test_single_page_list_has_empty_next_token(api: httpx.Client) -> None:
    for path, key, ids in (
        ("/assay-run-schemas", "assayRunSchemas", RUN_SCHEMAS),
        ("/assay-result-schemas", "assayResultSchemas", RESULT_SCHEMAS),
    ):
        body = api.get(path, params={"nextToken": ""}).json()
        assert {s["id"] for s in body[key]} == ids and len(body[key]) == len(ids)
        assert body["nextToken"] == ""
    results = api.get("/assay-results", params={"schemaId": RESULT_SCHEMA}).json()
    assert results == {"assayResults": [], "nextToken": ""}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/assay-runs", {"schemaId": RUN_SCHEMA}),
        ("/assay-run-schemas", {}),
        ("/assay-results", {"schemaId": RESULT_SCHEMA}),
    ],
    ids=["runs", "run-schemas", "results"],
)
@pytest.mark.parametrize("size", ["101", "-1", "many"])
def test_bad_page_size_is_400(api: httpx.Client, path: str, query: dict[str, str], size: str) -> None:
    response = api.get(path, params={**query, "pageSize": size})
    assert response.status_code == 400, response.text
    assert "pageSize" in error_text(response.json())


def test_page_size_100_is_allowed(api: httpx.Client) -> None:
    assert api.get("/assay-runs", params={"schemaId": RUN_SCHEMA, "pageSize": 100}).status_code == 200


def test_missing_schema_id_on_list_runs_is_400(api: httpx.Client) -> None:
    response = api.get("/assay-runs")
    assert response.status_code == 400, response.text
    assert "schemaId" in error_text(response.json())


def test_garbage_next_token_is_400(api: httpx.Client) -> None:
    response = api.get("/assay-runs", params={"schemaId": RUN_SCHEMA, "nextToken": "not-a-token"})
    assert response.status_code == 400, response.text
    assert "nextToken" in error_text(response.json())


# --- body size -------------------------------------------------------------------------------------------


def test_body_over_100_mb_is_413(api: httpx.Client, sandbox: SandboxServer) -> None:
    size = 100 * 1024 * 1024 + 1
    chunk = b" " * (1024 * 1024)

    def body() -> Iterator[bytes]:
        # Generated lazily so the test never holds 100 MB; a server that checks Content-Length first
        # answers before most of it is sent.
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            sent += len(piece)
            yield piece

    try:
        response = api.post(
            "/blobs",
            content=body(),
            headers={"Content-Type": "application/json", "Content-Length": str(size)},
        )
    except httpx.TransportError as exc:  # the server may close the connection once it has answered
        pytest.fail(f"the sandbox dropped the connection instead of answering 413: {exc!r}")
    assert response.status_code == 413, response.text
    assert sandbox.store.blobs() == []
