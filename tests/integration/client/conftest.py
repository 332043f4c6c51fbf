"""The sandbox on 127.0.0.1 and clients with fast backoff (so fault tests stay quick)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials, RateLimit
from ingest.sandbox import FaultSpec, SandboxConfig, SandboxServer
from ingest.sandbox import RateLimit as SandboxRateLimit
from tests.integration.client.wire_bodies import FAST, ClientFactory, SandboxFactory

TENANT_FILE = Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml"


@pytest.fixture
def start_sandbox() -> Iterator[SandboxFactory]:
    """Start a sandbox with the given ``SandboxConfig`` overrides; every one stops at test end."""
    with ExitStack() as stack:

        def start(
            *, rate_limit: SandboxRateLimit | None = None, faults: FaultSpec | None = None, **overrides: Any
        ) -> SandboxServer:
            config = SandboxConfig.from_tenant_file(
                TENANT_FILE, rate_limit=rate_limit, faults=faults or FaultSpec(), **overrides
            )
            return stack.enter_context(SandboxServer(config))

        yield start


@pytest.fixture
def sandbox(start_sandbox: SandboxFactory) -> SandboxServer:
    return start_sandbox()


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Build a client for a sandbox (API key by default); every one is closed at test end."""
    with ExitStack() as stack:

        def make(server: SandboxServer, *, oauth: bool = False, **options: Any) -> BenchlingClient:
            credentials = (
                ClientCredentials("sandbox-client", "sandbox-secret") if oauth else ApiKey(server.api_key)
            )
            options.setdefault("retry_policy", FAST)
            options.setdefault("rate_limit", RateLimit(10_000, 1.0))
            client = BenchlingClient(server.base_url, credentials, **options)
            return stack.enter_context(client)

        yield make


@pytest.fixture
def client(sandbox: SandboxServer, make_client: ClientFactory) -> BenchlingClient:
    return make_client(sandbox)
