"""The sandbox on 127.0.0.1 and clients with fast backoff (so fault tests stay quick)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials, RateLimit, RetryPolicy
from ingest.sandbox import FaultSpec, SandboxConfig, SandboxServer
from ingest.sandbox import RateLimit as SandboxRateLimit
from tests.conftest import TENANT_FILE

RUN_SCHEMA = "assaysch_chromrun01"
RESULT_SCHEMA = "assaysch_chromres01"
PROJECT = "src_lcproj01"

FAST = RetryPolicy(
    initial_backoff=0.01,
    max_backoff=0.05,
    jitter=0.01,
    max_attempts=8,
    rate_limited_attempts=200,
    maintenance_patience_seconds=30.0,
)

SandboxFactory = Callable[..., SandboxServer]
ClientFactory = Callable[..., BenchlingClient]


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


def run_body(**fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "schemaId": RUN_SCHEMA,
        "projectId": PROJECT,
        "fields": {"instrument": "HPLC-01", **fields},
    }


def result_body(run_id: str, index: int = 0) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "schemaId": RESULT_SCHEMA,
        "projectId": PROJECT,
        "fields": {
            "run": run_id,
            "sample": f"bfi_smp{(index % 20) + 1:03d}",
            "retention_time_min": 1.0 + index / 100,
        },
    }
