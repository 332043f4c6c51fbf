"""The one place that builds the pipeline's parts from Settings: client, ledger, parser registry,
tenant lookups, the pipeline itself and the watch service. No business logic.

A ``postgresql://`` ledger is shared by several hosts; its client then spends from the request budget
kept in the same database (``ingest.ledger.postgres_budget``) instead of an in-process limiter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ingest.benchling import (
    BenchlingClient,
    ClientSettings,
    PacingWait,
    RequestBudget,
    RequestLimiter,
    budget_key,
)
from ingest.filing import FilingOptions
from ingest.ledger import Ledger, SqliteLedger
from ingest.ledger.location import describe_location, is_postgres_dsn
from ingest.load import RenderPool, render_chromatogram_png
from ingest.models import Trace
from ingest.pipeline.mapping_reload import MappingReload
from ingest.pipeline.pause import PauseCheck
from ingest.pipeline.pipeline import Pipeline
from ingest.pipeline.rejected_files import RejectedFiles
from ingest.pipeline.service import IngestService, known_unless_unreachable
from ingest.pipeline.stopping import stop_aware_sleep
from ingest.resolve import (
    CachedEntities,
    CachedTenant,
    ClientEntities,
    ClientTenant,
    SchemaMap,
    load_schema_map,
    parse_schema_map,
)
from ingest.settings import Settings
from ingest.watch import FolderWatcher, WatchOptions
from parsers import discover_parsers

if TYPE_CHECKING:
    from ingest.ledger.postgres import PostgresLedger
    from ingest.ledger.postgres_budget import PostgresRequestBudget


#: The ledger as it may be shown: a path, or a URL without its password.
describe_ledger = describe_location


def render_png(traces: Sequence[Trace], peaks: pd.DataFrame | None, title: str) -> bytes:
    """Draw in the calling thread (``BENCHLING_INGEST_RENDER_WORKERS=0``, and tests)."""
    return render_chromatogram_png(traces, peaks, title=title)


def open_render_pool(workers: int | None) -> RenderPool | None:
    """Render processes (``None``: one per core but one), or none when ``workers`` is 0."""
    return None if workers == 0 else RenderPool(workers)


@contextmanager
def open_budget(
    settings: ClientSettings,
    location: Path | str,
    *,
    on_wait: Callable[[PacingWait], None] | None = None,
    stop: threading.Event | None = None,
) -> Iterator[RequestBudget]:
    """This process's draw on the tenant's request budget, for every client it makes (the start checks',
    the pause checks' and the pipeline's): the budget kept in a ``postgresql://`` ledger, shared by
    every host on it, or else one in-process limiter. A client with a limiter of its own would not
    count the others' requests and could push the tenant over its limit."""
    if is_postgres_dsn(location):
        shared = open_shared_budget(str(location), settings, stop=stop)
        try:
            yield shared
        finally:
            shared.close()
        return
    sleep = stop_aware_sleep(stop) if stop is not None else time.sleep
    yield RequestLimiter(settings.rate_limit, clock=time.monotonic, sleep=sleep, on_wait=on_wait)


@contextmanager
def process_budget(
    settings: Settings, *, stop: threading.Event | None = None
) -> Iterator[RequestBudget | None]:
    """:func:`open_budget` for the ledger ``settings`` name; None when Benchling is not configured (the
    start checks then say so)."""
    if settings.client is None:
        yield None
        return
    with open_budget(settings.client, settings.ledger_location, stop=stop) as budget:
        yield budget


def open_client(
    settings: ClientSettings,
    *,
    budget: RequestBudget | None = None,
    on_wait: Callable[[PacingWait], None] | None = None,
    stop: threading.Event | None = None,
) -> BenchlingClient:
    """The client for ``settings``, drawing on ``budget`` when the rate limit is shared by several
    processes; ``on_wait`` hears of each wait (the hourly results cap, the request rate limit) first;
    setting ``stop`` ends any of its waits at once (``StopRequestedError``)."""
    sleep = stop_aware_sleep(stop) if stop is not None else time.sleep
    return BenchlingClient.from_settings(settings, budget=budget, on_wait=on_wait, sleep=sleep)


def load_mapping(settings: Settings) -> SchemaMap:
    """The mapping file as :func:`open_pipeline` loads it, checked against the installed parsers."""
    registry = discover_parsers(settings.parsers_dir)
    return load_schema_map(
        settings.map_path, known_parsers=registry.names, parser_techniques=registry.techniques
    )


def parse_mapping(settings: Settings, text: str) -> SchemaMap:
    """:func:`load_mapping` for the mapping file's text already read (a running service reads the file
    once per change, and uses what it read)."""
    registry = discover_parsers(settings.parsers_dir)
    return parse_schema_map(
        text, settings.map_path, known_parsers=registry.names, parser_techniques=registry.techniques
    )


def open_ledger(
    location: Path | str, *, host_id: str | None = None, lease_seconds: float = 60.0
) -> SqliteLedger | PostgresLedger:
    """The ledger at ``location``: a SQLite file (``":memory:"`` for a throwaway one) or a
    ``postgresql://`` URL; close it when done."""
    if is_postgres_dsn(location):
        # Imported here so that psycopg is loaded only by those who use PostgreSQL.
        from ingest.ledger.postgres import PostgresLedger

        return PostgresLedger(str(location), host_id=host_id, lease_seconds=lease_seconds)
    return SqliteLedger(location, host_id=host_id)


def open_shared_budget(
    dsn: str, settings: ClientSettings, *, stop: threading.Event | None = None
) -> PostgresRequestBudget:
    """The tenant's request budget in a PostgreSQL ledger, shared by every host using it."""
    from ingest.ledger.postgres_budget import PostgresRequestBudget

    return PostgresRequestBudget(
        dsn,
        key=budget_key(settings.base_url, settings.credentials),
        requests=settings.rate_limit.requests,
        window_seconds=settings.rate_limit.window_seconds,
        sleep=stop_aware_sleep(stop) if stop is not None else time.sleep,
    )


@contextmanager
def open_pipeline(
    settings: Settings,
    *,
    filing_options: FilingOptions | None = None,
    client: BenchlingClient | None = None,
    ledger_path: Path | str | None = None,
    archive_superseded: bool = False,
    attachment_grace_seconds: float = 0.0,
    command: str | None = None,
    folders: Sequence[Path] = (),
    on_wait: Callable[[PacingWait], None] | None = None,
    stop: threading.Event | None = None,
    budget: RequestBudget | None = None,
    clock: Callable[[], float] = time.time,
    schema_map: SchemaMap | None = None,
) -> Iterator[Pipeline]:
    """A ready pipeline; closes the client (if it made it) and the ledger on exit. ``command`` (with
    the ``folders`` it watches) registers this process in the ledger's instances while it runs;
    ``on_wait`` and ``stop`` go to the client it makes (see :func:`open_client`), which draws on
    ``budget`` (the process's, :func:`open_budget`) or else on a budget of its own. ``schema_map``:
    the mapping already read (None: the mapping file is read here)."""
    registry = discover_parsers(settings.parsers_dir)
    if schema_map is None:
        schema_map = load_schema_map(
            settings.map_path, known_parsers=registry.names, parser_techniques=registry.techniques
        )
    location = ledger_path if ledger_path is not None else settings.ledger_location
    with ExitStack() as stack:
        api = client
        if api is None:
            client_settings = settings.require_client()
            if budget is None:
                budget = stack.enter_context(
                    open_budget(client_settings, location, on_wait=on_wait, stop=stop)
                )
            api = stack.enter_context(open_client(client_settings, budget=budget, on_wait=on_wait, stop=stop))
        ledger: Ledger = open_ledger(location, host_id=settings.host_id, lease_seconds=settings.lease_seconds)
        stack.callback(ledger.close)
        registry = registry.with_hints(schema_map.parse_hints)
        if command is not None:
            ledger.register_instance(command, [f.absolute() for f in folders])
        renders = open_render_pool(settings.render_workers)
        if renders is not None:
            stack.callback(renders.close)
        settings.home.mkdir(parents=True, exist_ok=True)
        yield Pipeline(
            parsers=registry,
            schema_map=schema_map,
            tenant=CachedTenant(ClientTenant(api)),
            entities=CachedEntities(ClientEntities(api)),
            client=api,
            ledger=ledger,
            work_dir=settings.home,
            filing_options=filing_options,
            render_png=renders.render if renders is not None else render_png,
            archive_superseded=archive_superseded,
            attachment_grace_seconds=attachment_grace_seconds,
            clock=clock,
        )


def watch_service(
    pipeline: Pipeline,
    folders: Sequence[Path],
    options: WatchOptions,
    *,
    workers: int,
    stop: threading.Event | None = None,
    pause_check: PauseCheck | None = None,
    mapping: MappingReload | None = None,
) -> IngestService:
    """The service loop over ``folders``: a watcher that skips what the ledger has finished and
    quarantines what the watch stage refuses, with the pipeline's own folder-unit suffixes. ``stop``:
    the event given to ``open_pipeline`` too, so that stopping the service ends the client's waits;
    ``pause_check`` tells when a pause can end; ``mapping`` keeps the mapping in step with its file."""
    filing = pipeline.filing_options
    roots = [f.absolute() for f in folders]
    # The archive and the quarantine may sit inside a watched folder: what is filed there must not be
    # found again (and filed into itself). The listing compares folders as the platform does (case on
    # Windows), so they are always passed; outside every watched folder they change nothing.
    filed = tuple(d.absolute() for d in (filing.archive_dir, filing.failed_dir) if d is not None)
    options = dataclasses.replace(
        options, unit_suffixes=pipeline.unit_suffixes, skip_folders=(*options.skip_folders, *filed)
    )
    rejected = RejectedFiles(pipeline.filing_options.failed_dir, now=lambda: dt.datetime.now().astimezone())
    watcher = FolderWatcher(
        roots,
        options,
        is_known=known_unless_unreachable(pipeline),
        on_reject=rejected,
    )
    return IngestService(
        pipeline, watcher, workers=workers, stop=stop, pause_check=pause_check, mapping=mapping
    )
