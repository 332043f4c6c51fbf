"""A fresh sandbox on 127.0.0.1 and a scenario folder per test, for the service tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from integration.service.service_rig import REPO, SCHEMAS_MAP, ServiceRig

from ingest.benchling import ApiKey, BenchlingClient, RetryPolicy
from ingest.filing import FilingOptions
from ingest.ledger import SqliteLedger
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import render_png
from ingest.resolve import CachedEntities, CachedTenant, ClientEntities, ClientTenant, load_schema_map
from ingest.sandbox import SandboxConfig, SandboxServer, Variants
from parsers import discover_parsers
from tests.support.variant_matrix import VariantCase

TENANT = REPO / "sample_data" / "tenant.yaml"


FAST_RETRIES = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, jitter=0.0)


def sandbox_config(case: VariantCase | None = None) -> SandboxConfig:
    variants = case.variants if case is not None else Variants()
    return SandboxConfig.from_tenant_file(TENANT, rate_limit=None, variants=variants)


@pytest.fixture
def sandbox(sandbox_variant: VariantCase) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config(sandbox_variant)) as server:
        yield server


@pytest.fixture
def rig(sandbox: SandboxServer, sandbox_variant: VariantCase, tmp_path: Path) -> ServiceRig:
    """The scenario's folders, with the mapping the sandbox's variants need."""
    return ServiceRig(sandbox, tmp_path, map_path=sandbox_variant.schema_map(tmp_path / "maps"))


posix_signals = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL/SIGTERM semantics are POSIX; Windows has only TerminateProcess"
)


@contextmanager
def inprocess_pipeline(
    sandbox: SandboxServer,
    base: Path,
    *,
    retry_policy: RetryPolicy | None = None,
    retry_base_seconds: float = 30.0,
    filing_options: FilingOptions | None = None,
    ledger_type: type[SqliteLedger] = SqliteLedger,
) -> Iterator[Pipeline]:
    """The pipeline as ``ingest.pipeline.factory`` builds it, with the two knobs the CLI does not expose:
    the client's retry patience and the pipeline's delay before a transient failure is tried again."""
    registry = discover_parsers(None)
    with (
        BenchlingClient(
            sandbox.base_url, ApiKey(sandbox.api_key), retry_policy=retry_policy or FAST_RETRIES
        ) as client,
        ledger_type(base / "state" / "ledger.sqlite") as ledger,
    ):
        yield Pipeline(
            parsers=registry,
            schema_map=load_schema_map(SCHEMAS_MAP, known_parsers=registry.names),
            tenant=CachedTenant(ClientTenant(client)),
            entities=CachedEntities(ClientEntities(client)),
            client=client,
            ledger=ledger,
            work_dir=base / "state",
            filing_options=filing_options,
            render_png=render_png,
            retry_base_seconds=retry_base_seconds,
            retry_max_seconds=max(retry_base_seconds, 1.0),
        )
