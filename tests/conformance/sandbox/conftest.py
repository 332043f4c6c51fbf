"""Fixtures for the sandbox conformance suite: a fresh sandbox on 127.0.0.1 and clients whose every
response is validated against the official Benchling OpenAPI spec (a mismatch fails the test)."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from benchling_sdk.auth.api_key_auth import ApiKeyAuth
from benchling_sdk.benchling import Benchling
from benchling_sdk.helpers.retry_helpers import RetryStrategy
from conformance.openapi_spec import OpenApiSpec, load_spec
from conformance.sandbox.harness import MakeBenchling, MakeClient, SpecChecker, StartSandbox

from ingest.sandbox import SandboxConfig, SandboxServer

TENANT_FILE = Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml"


@pytest.fixture(scope="session")
def spec() -> OpenApiSpec:
    return load_spec()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def spec_checker(spec: OpenApiSpec, request: pytest.FixtureRequest) -> Iterator[SpecChecker]:
    """The spec hook of this test; a mismatch the test swallowed still fails it here (reported once)."""
    checker = SpecChecker(spec)
    yield checker
    if checker.mismatches and not request.node.stash.get(_CALL_FAILED, False):
        pytest.fail("responses that broke the spec:\n" + "\n".join(checker.mismatches))


@pytest.fixture
def start_sandbox() -> Iterator[StartSandbox]:
    """Start a fresh sandbox with config overrides (stopped at teardown); rate limit off unless given."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> SandboxServer:
            overrides.setdefault("rate_limit", None)
            config = SandboxConfig.from_tenant_file(TENANT_FILE, **overrides)
            return stack.enter_context(SandboxServer(config))

        yield start


@pytest.fixture
def sandbox(start_sandbox: StartSandbox) -> SandboxServer:
    """A fresh sandbox with the demo tenant and no rate limit."""
    return start_sandbox()


@pytest.fixture
def make_client(spec_checker: SpecChecker) -> Iterator[MakeClient]:
    """``make_client(server, auth=...)``: an httpx client on ``server.api_url`` validating every response."""
    with ExitStack() as stack:

        def make(server: SandboxServer, auth: httpx.Auth | tuple[str, str] | None = None) -> httpx.Client:
            client = httpx.Client(
                base_url=server.api_url,
                auth=auth,
                timeout=60.0,
                event_hooks={"response": [spec_checker]},
            )
            return stack.enter_context(client)

        yield make


@pytest.fixture
def api(sandbox: SandboxServer, make_client: MakeClient) -> httpx.Client:
    """An authenticated (API key, HTTP Basic) validating client on a fresh sandbox."""
    return make_client(sandbox, auth=(sandbox.api_key, ""))


@pytest.fixture
def anonymous(sandbox: SandboxServer, make_client: MakeClient) -> httpx.Client:
    """A validating client on the same sandbox as ``api`` that sends no credentials."""
    return make_client(sandbox)


@pytest.fixture
def make_benchling(spec_checker: SpecChecker) -> Iterator[MakeBenchling]:
    """``make_benchling(server_or_url, auth_method=..., retry=...)``: the official SDK over real HTTP.

    Its httpx client carries the spec hook, so every SDK response is validated too (the OAuth token
    request goes through the SDK's own client and is checked separately where it matters).
    """
    with ExitStack() as stack:

        def make(
            server: SandboxServer | str,
            auth_method: Any = None,
            retry: RetryStrategy | None = None,
        ) -> Benchling:
            if isinstance(server, str):
                url = server
                if auth_method is None:
                    raise ValueError("make_benchling needs an auth_method when given a bare URL")
            else:
                url = server.base_url
                auth_method = auth_method or ApiKeyAuth(server.api_key)
            http = stack.enter_context(httpx.Client(timeout=60.0, event_hooks={"response": [spec_checker]}))
            return Benchling(
                url=url,
                auth_method=auth_method,
                retry_strategy=retry or RetryStrategy.no_retries(),
                httpx_client=http,
            )

        yield make


@pytest.fixture
def benchling(sandbox: SandboxServer, make_benchling: MakeBenchling) -> Benchling:
    """The SDK with the sandbox API key, retries off (tests that need retries ask for them)."""
    return make_benchling(sandbox)
