"""A Pipeline wired as the factory wires it, over the sandbox app in-process (httpx transport, no
sockets), on one fake clock shared by the client, the ledger and the pipeline (no real waiting).

``after_response`` sees every request once the sandbox has answered it: the seam for doing something to
the files "while" the pipeline is between two requests (a writer appending during an upload)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ingest.benchling import ApiKey, BenchlingClient, RateLimit, RetryPolicy
from ingest.filing import FilingOptions
from ingest.ledger import SqliteLedger
from ingest.load import Loader
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import render_png
from ingest.resolve import CachedEntities, CachedTenant, ClientEntities, ClientTenant, load_schema_map
from ingest.sandbox import FaultSpec, SandboxConfig, Variants, create_app, inprocess_transport
from parsers import discover_parsers
from tests.support.fake_time import FakeTime
from tests.support.paths import SCHEMAS_MAP, TENANT_FILE

#: Two sends per request, then the client gives up: a scripted pair of 502s makes a step fail retryably
#: (a 503 is read as a maintenance window and waited out for ``maintenance_patience_seconds``).
TWO_TRIES = RetryPolicy(
    initial_backoff=0.01, max_backoff=0.05, jitter=0.0, max_attempts=2, maintenance_patience_seconds=0.1
)


@dataclass
class InProcessSandbox:
    """The sandbox app and a client talking to it; ``store`` is what Benchling now holds."""

    app: Any
    client: BenchlingClient
    time: FakeTime

    @property
    def store(self) -> Any:
        return self.app.state.sandbox.store

    def requests(self, endpoint: str) -> int:
        """How many requests the client sent to ``endpoint`` (``"POST /assay-runs"``)."""
        return self.client.stats.requests.get(endpoint, 0)


class _Watched(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, after: Callable[[httpx.Request], None]) -> None:
        self._inner = inner
        self._after = after

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self._after(request)
        return response


class SandboxOnFakeTime:
    """The sandbox's clock reading the client's FakeTime: a wait the client makes moves the sandbox's
    windows (rate limits, the hourly results cap) too."""

    def __init__(self, time: FakeTime) -> None:
        self._time = time

    def monotonic(self) -> float:
        return self._time.clock()

    def wall(self) -> float:
        return self._time.clock()

    async def sleep(self, seconds: float) -> None:
        self._time.advance(max(0.0, seconds))


@contextmanager
def inprocess_sandbox(
    faults: str = "",
    *,
    variants: Variants | None = None,
    shared_clock: bool = False,
    after_response: Callable[[httpx.Request], None] | None = None,
    **client_options: Any,
) -> Iterator[InProcessSandbox]:
    """``variants`` choose the sandbox's behaviour; with ``shared_clock`` the sandbox runs on the client's
    fake clock; ``after_response`` hears of each request once answered; ``client_options`` go to the
    BenchlingClient (``results_per_hour``, ``on_wait``...)."""
    time = FakeTime(start=1_800_000_000.0)
    extra: dict[str, Any] = {"clock": SandboxOnFakeTime(time)} if shared_clock else {}
    config = SandboxConfig.from_tenant_file(
        TENANT_FILE, rate_limit=None, faults=FaultSpec.parse(faults), variants=variants or Variants(), **extra
    )
    app = create_app(config)
    transport = inprocess_transport(app)
    client = BenchlingClient(
        "http://sandbox",
        ApiKey("sandbox-api-key"),
        transport=_Watched(transport, after_response) if after_response else transport,
        rate_limit=RateLimit(10_000, 1.0),
        retry_policy=TWO_TRIES,
        clock=time.clock,
        sleep=time.sleep,
        **client_options,
    )
    try:
        yield InProcessSandbox(app, client, time)
    finally:
        client.close()
        app.state.sandbox.close()


def loader_for(sandbox: InProcessSandbox, scratch: Path) -> Loader:
    scratch.mkdir(parents=True, exist_ok=True)
    return Loader(sandbox.client, scratch_dir=scratch)


@contextmanager
def inprocess_pipeline(
    sandbox: InProcessSandbox,
    work: Path,
    *,
    filing: bool = True,
    attachment_grace: float = 0.0,
    schema_map: Path = SCHEMAS_MAP,
    archive_superseded: bool = False,
) -> Iterator[Pipeline]:
    """A pipeline over ``work/state/ledger.sqlite`` (open another over the same folder to "restart", or
    over another folder for a second ledger); with ``filing``, successes go to ``work/archive`` and
    failures to ``work/failed``."""
    registry = discover_parsers()
    ledger = SqliteLedger(work / "state" / "ledger.sqlite", clock=sandbox.time.clock)
    options = FilingOptions(work / "archive", work / "failed") if filing else FilingOptions()
    try:
        yield Pipeline(
            parsers=registry,
            schema_map=load_schema_map(schema_map, known_parsers=registry.names),
            tenant=CachedTenant(ClientTenant(sandbox.client)),
            entities=CachedEntities(ClientEntities(sandbox.client)),
            client=sandbox.client,
            ledger=ledger,
            work_dir=work / "state",
            filing_options=options,
            render_png=render_png,
            attachment_grace_seconds=attachment_grace,
            archive_superseded=archive_superseded,
            clock=sandbox.time.clock,
        )
    finally:
        ledger.close()


def map_with_server_assigned_ids(folder: Path) -> Path:
    """The demo schemas_map.yaml, saying the tenant assigns its own ids (``tenant: ids: server_assigned``)."""
    text = SCHEMAS_MAP.read_text(encoding="utf-8")
    assert "  ids: kept" in text, "the demo map's tenant section changed; update this helper"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "schemas_map_server_ids.yaml"
    target.write_text(text.replace("  ids: kept", "  ids: server_assigned", 1), encoding="utf-8")
    return target
