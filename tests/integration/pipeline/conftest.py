"""A sandbox on 127.0.0.1, a client and a pipeline wired exactly as the CLI wires them."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from ingest.benchling import ApiKey, BenchlingClient, ClientSettings, RateLimit, RetryPolicy
from ingest.filing import FilingOptions
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from tests.support.variant_matrix import VariantCase

REPO = Path(__file__).resolve().parents[3]
EXPORTS = REPO / "sample_data" / "exports"
FAST_RETRIES = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, jitter=0.0)


@pytest.fixture
def sandbox(sandbox_variant: VariantCase) -> Iterator[SandboxServer]:
    config = SandboxConfig.from_tenant_file(
        REPO / "sample_data" / "tenant.yaml", rate_limit=None, variants=sandbox_variant.variants
    )
    with SandboxServer(config) as server:
        yield server


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A drop folder holding a copy of the demo exports."""
    folder = tmp_path / "inbox"
    shutil.copytree(EXPORTS, folder)
    return folder


MakePipeline = Callable[..., Pipeline]


@pytest.fixture
def make_pipeline(
    sandbox: SandboxServer, sandbox_variant: VariantCase, tmp_path: Path
) -> Iterator[MakePipeline]:
    """Pipelines over the sandbox; the mapping defaults to the repository's, with the tenant settings the
    sandbox's variants need."""
    stack = ExitStack()
    variant_map = sandbox_variant.schema_map(tmp_path / "maps")

    def make(
        *,
        archive: bool = True,
        ledger: Path | None = None,
        map_path: Path | None = None,
        archive_superseded: bool = False,
        attachment_grace: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> Pipeline:
        client = stack.enter_context(
            BenchlingClient(sandbox.base_url, ApiKey(sandbox.api_key), retry_policy=FAST_RETRIES)
        )
        settings = load_settings(
            {},
            map_path=map_path or variant_map,
            home=tmp_path / "state",
            ledger_path=ledger or tmp_path / "state" / "ledger.sqlite",
            client=ClientSettings(sandbox.base_url, ApiKey(sandbox.api_key), RateLimit()),
        )
        filing = FilingOptions(tmp_path / "archive", tmp_path / "failed") if archive else None
        return stack.enter_context(
            open_pipeline(
                settings,
                filing_options=filing,
                client=client,
                archive_superseded=archive_superseded,
                attachment_grace_seconds=attachment_grace,
                clock=clock,
            )
        )

    with stack:
        yield make
