"""``BenchlingClient``: the only code that speaks HTTP to Benchling (a small facade over the endpoints)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from ingest.benchling.assigned_ids import AssignedIdWriter
from ingest.benchling.blobs import DEFAULT_PART_BYTES, BlobEndpoints
from ingest.benchling.budget import RequestBudget
from ingest.benchling.credentials import ClientCredentials, Credentials
from ingest.benchling.hourly_pacer import HourlyPacer, PacingWait
from ingest.benchling.id_lookup import Lookup
from ingest.benchling.inventory import ALL_STORAGE_KINDS, EntryEndpoints, InventoryEndpoints
from ingest.benchling.limiter import RateLimitHeaders, RequestLimiter
from ingest.benchling.models import (
    AssayResult,
    AssayRun,
    AssayRunCreate,
    AssaySchema,
    AsyncTask,
    Blob,
    BlobType,
    Dropdown,
    Entry,
    Project,
    RegisteredEntity,
    Registry,
    StorageItem,
    StorageKind,
)
from ingest.benchling.probes import Probes, ProbeTarget, UnknownIdAnswer
from ingest.benchling.registries import ENTITY_CHUNK, RegistryEndpoints
from ingest.benchling.result_writer import DEFAULT_CHUNK, ResultInput, ResultWriter
from ingest.benchling.results import ArchiveReason, ResultEndpoints
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.runs import RunEndpoints
from ingest.benchling.schemas import SchemaEndpoints
from ingest.benchling.settings import DEFAULT_RESULTS_PER_HOUR, ClientSettings, RateLimit
from ingest.benchling.stats import ClientStats, StatsRecorder
from ingest.benchling.tasks import TaskEndpoints
from ingest.benchling.tenant_config import TenantConfigEndpoints
from ingest.benchling.transport import ApiTransport

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=60.0)


class BenchlingClient:
    """A thread-safe Benchling API client; share one per tenant between threads.

    ``base_url`` is the tenant (``https://tenant.benchling.com``); ``/api/v2`` is appended.
    ``transport`` is the one seam for tests (an in-process sandbox); ``clock`` (monotonic seconds)
    and ``sleep`` are seams for time. Reads are retried with backoff; creates carry client ids and
    are checked by id after an ambiguous failure, never sent twice blindly, and the ids Benchling
    answers are compared with the ids sent (``ClientIdsNotKeptError`` on a difference). Result writes
    (``POST /assay-results``, transaction appends, ``:bulk-create``) are paced to ``results_per_hour``
    together; ``on_wait`` hears of each such wait first, and of each long wait on the rate limit.
    ``budget`` replaces the in-process limiter at ``rate_limit`` with one shared by every process
    spending from the same Benchling budget.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        rate_limit: RateLimit | None = None,
        budget: RequestBudget | None = None,
        retry_policy: RetryPolicy | None = None,
        maintenance_patience_seconds: float | None = None,
        blob_part_bytes: int = DEFAULT_PART_BYTES,
        entity_chunk: int = ENTITY_CHUNK,
        results_per_hour: int = DEFAULT_RESULTS_PER_HOUR,
        on_wait: Callable[[PacingWait], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._oauth = isinstance(credentials, ClientCredentials)
        policy = retry_policy or RetryPolicy()
        if maintenance_patience_seconds is not None:
            policy = RetryPolicy(
                initial_backoff=policy.initial_backoff,
                max_backoff=policy.max_backoff,
                jitter=policy.jitter,
                max_attempts=policy.max_attempts,
                rate_limited_attempts=policy.rate_limited_attempts,
                maintenance_patience_seconds=maintenance_patience_seconds,
            )
        self._stats = StatsRecorder()
        self._limiter = budget or RequestLimiter(
            rate_limit or RateLimit(), clock=clock, sleep=sleep, on_wait=on_wait
        )
        self._results_pacer = HourlyPacer(
            results_per_hour, reason="results_hourly_cap", clock=clock, sleep=sleep, on_wait=on_wait
        )
        self._transport = ApiTransport(
            base_url,
            credentials,
            limiter=self._limiter,
            policy=policy,
            clock=clock,
            sleep=sleep,
            stats=self._stats,
            timeout=timeout,
            transport=transport,
            # Benchling documents the cap for POST /assay-results only; pacing every result write with it
            # keeps the client right if a tenant counts transactions and bulk-creates too.
            pacers={
                ("POST", "/assay-results"): self._results_pacer,
                ("POST", "/result-transactions/{transaction_id}/results"): self._results_pacer,
                ("POST", "/assay-results:bulk-create"): self._results_pacer,
            },
        )
        self._schemas = SchemaEndpoints(self._transport)
        self._runs = RunEndpoints(self._transport, sleep)
        self._results = ResultEndpoints(self._transport)
        self._tasks = TaskEndpoints(self._transport, clock=clock, sleep=sleep)
        self._writer = ResultWriter(self._results, self._tasks, policy=policy, sleep=sleep, stats=self._stats)
        self._assigned = AssignedIdWriter(
            self._runs, self._results, policy=policy, sleep=sleep, stats=self._stats
        )
        self._blobs = BlobEndpoints(self._transport, part_bytes=blob_part_bytes)
        self._registries = RegistryEndpoints(self._transport, entity_chunk=entity_chunk)
        self._tenant_config = TenantConfigEndpoints(self._transport)
        self._inventory = InventoryEndpoints(self._transport)
        self._entries = EntryEndpoints(self._transport)
        self._probes = Probes(self._transport)

    @classmethod
    def from_settings(cls, settings: ClientSettings, **options: Any) -> BenchlingClient:
        options.setdefault("results_per_hour", settings.results_per_hour)
        return cls(settings.base_url, settings.credentials, rate_limit=settings.rate_limit, **options)

    def __repr__(self) -> str:
        return f"BenchlingClient({self._transport!r})"

    @property
    def base_url(self) -> str:
        """The tenant URL this client was made for (``https://tenant.benchling.com``)."""
        return self._base_url

    def __enter__(self) -> BenchlingClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    @property
    def budget(self) -> RequestBudget:
        """The request budget this client draws on (another client of the process may share it)."""
        return self._limiter

    @property
    def stats(self) -> ClientStats:
        """A snapshot of the requests, retries, 429s and bytes this client has spent."""
        return self._stats.snapshot()

    def requests_in_this_thread(self) -> int:
        """Requests this client sent from the calling thread so far."""
        return self._stats.requests_in_this_thread()

    @property
    def credentials_kind(self) -> str:
        """``api_key`` or ``oauth_app``: whose rate-limit budget this client spends (user keys share one)."""
        return "oauth_app" if self._oauth else "api_key"

    def rate_limit_headers(self) -> RateLimitHeaders | None:
        """Benchling's rate-limit headers of the latest answer that had them (None before any request)."""
        return self._transport.rate_limit_seen

    def ping(self) -> None:
        """One small read (a page of one project): raises when Benchling does not answer or refuses."""
        self._transport.request("GET", "/projects", params={"pageSize": 1})

    def probe_unknown_ids(
        self, target: ProbeTarget, keys: Sequence[str], *, registry_id: str | None = None
    ) -> UnknownIdAnswer:
        """How the tenant answers a bulk-get of ``keys`` that do not exist (read-only; for ``doctor``)."""
        return self._probes.unknown_ids(target, keys, registry_id=registry_id)

    def results_cap_wait_seconds(self) -> float:
        """How long the next result write would wait for the hourly cap (0 when it has room)."""
        return self._results_pacer.wait_seconds()

    # Schemas
    def list_run_schemas(self) -> list[AssaySchema]:
        return list(self._schemas.run_schemas())

    def list_result_schemas(self) -> list[AssaySchema]:
        return list(self._schemas.result_schemas())

    def get_run_schema(self, schema_id: str) -> AssaySchema:
        return self._schemas.run_schema(schema_id)

    def get_result_schema(self, schema_id: str) -> AssaySchema:
        return self._schemas.result_schema(schema_id)

    # Dropdowns and projects
    def get_dropdown(self, dropdown_id: str) -> Dropdown:
        return self._tenant_config.dropdown(dropdown_id)

    def list_projects(self) -> list[Project]:
        return self._tenant_config.projects()

    # Runs
    def create_runs(self, runs: Sequence[Mapping[str, Any] | AssayRunCreate]) -> list[str]:
        """Create runs in one request (ids generated where absent); returns their ids in order."""
        return self._runs.create(runs)

    def create_run(self, run: Mapping[str, Any] | AssayRunCreate) -> str:
        return self._runs.create([run])[0]

    def create_runs_assigned_ids(self, runs: Sequence[Mapping[str, Any] | AssayRunCreate]) -> list[str]:
        """For a tenant that assigns its own ids: one request, sent once (an ambiguous failure raises
        ``AmbiguousWriteError``; find the runs by content before sending again); returns the ids
        Benchling assigned, in order."""
        return self._assigned.create_runs(runs)

    def get_run(self, run_id: str) -> AssayRun:
        return self._runs.get(run_id)

    def list_runs(self, schema_id: str, *, ids: Sequence[str] = ()) -> Iterator[AssayRun]:
        return self._runs.iterate(schema_id, ids=ids)

    def bulk_get_runs(self, run_ids: Sequence[str]) -> list[AssayRun]:
        """The runs that exist among ``run_ids``, in order; unknown ids are left out."""
        return self._runs.bulk_get(run_ids)

    def lookup_runs(self, run_ids: Sequence[str]) -> Lookup[AssayRun]:
        """Runs by id (``found``) and the ids Benchling does not hold (``missing``), however it answers
        unknown ids (an error listing or naming them, a plain 400, or a shorter 200)."""
        return self._runs.lookup(run_ids)

    def existing_runs(self, run_ids: Sequence[str]) -> set[str]:
        """Which of these (client-generated) run ids Benchling holds: the check after a crash."""
        return self._runs.existing(list(run_ids))

    def archive_runs(self, run_ids: Sequence[str], reason: ArchiveReason = "Made in error") -> list[str]:
        return self._runs.archive(run_ids, reason)

    # Results
    def create_results(
        self,
        results: Sequence[ResultInput],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_transaction: Callable[[str], None] | None = None,
        on_commit: Callable[[str], None] | None = None,
    ) -> list[str]:
        """Create one file's results, all or none (one request ≤ ``chunk_size``, else a transaction
        whose id goes to ``on_transaction`` before use, and to ``on_commit`` before its commit);
        returns the ids in order."""
        return self._writer.create(
            results, chunk_size=chunk_size, on_transaction=on_transaction, on_commit=on_commit
        )

    def create_results_assigned_ids(
        self,
        results: Sequence[ResultInput],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_transaction: Callable[[str], None] | None = None,
        on_commit: Callable[[str], None] | None = None,
    ) -> list[str]:
        """``create_results`` for a tenant that assigns its own ids: nothing is resent after an ambiguous
        failure (``AmbiguousWriteError``: list the run's results before sending again); returns the ids
        Benchling assigned, in order."""
        return self._assigned.create_results(
            results, chunk_size=chunk_size, on_transaction=on_transaction, on_commit=on_commit
        )

    def settle_result_transaction(self, transaction_id: str, *, committing: bool) -> bool:
        """Finish a result transaction an interrupted create left: commit it again (``committing``) or
        abort it. True when this commit succeeded; otherwise ask whether the results exist."""
        return self._writer.settle_transaction(transaction_id, committing=committing)

    def bulk_create_results(
        self, results: Sequence[ResultInput], *, task_timeout_seconds: float = 600.0
    ) -> list[str]:
        return self._writer.bulk_create(results, task_timeout_seconds=task_timeout_seconds)

    def get_result(self, result_id: str) -> AssayResult:
        return self._results.get(result_id)

    def bulk_get_results(self, result_ids: Sequence[str]) -> list[AssayResult]:
        """The (committed) results that exist among ``result_ids``, in order; unknown ids left out."""
        return self._results.bulk_get(result_ids)

    def lookup_results(self, result_ids: Sequence[str]) -> Lookup[AssayResult]:
        """Results by id and the ids Benchling does not hold (uncommitted ones count as missing)."""
        return self._results.lookup(result_ids)

    def existing_results(self, result_ids: Sequence[str]) -> set[str]:
        """Which of these (client-generated) result ids Benchling holds (committed ones only)."""
        return self._results.existing(list(result_ids))

    def list_results(
        self, *, schema_id: str | None = None, assay_run_ids: Sequence[str] = (), ids: Sequence[str] = ()
    ) -> Iterator[AssayResult]:
        return self._results.iterate(schema_id=schema_id, assay_run_ids=assay_run_ids, ids=ids)

    def archive_results(
        self, result_ids: Sequence[str], reason: ArchiveReason = "Made in error"
    ) -> list[str]:
        return self._results.archive(result_ids, reason)

    # Blobs
    def upload_blob(
        self,
        path: Path,
        *,
        name: str | None = None,
        blob_type: BlobType = "RAW_FILE",
        mime_type: str | None = None,
    ) -> Blob:
        """Upload a file (multipart above 10 MB, streamed from disk); record the returned id before
        linking it. An upload whose answer was lost is sent again (at most ``max_attempts`` times), which
        may leave an orphan blob: counted in ``stats.possible_orphans``."""
        return self._blobs.upload_file(path, name=name, blob_type=blob_type, mime_type=mime_type)

    def get_blob(self, blob_id: str) -> Blob:
        return self._blobs.get(blob_id)

    def lookup_blobs(self, blob_ids: Sequence[str]) -> Lookup[Blob]:
        """Blobs by id (any upload status) and the ids Benchling does not hold."""
        return self._blobs.lookup(blob_ids)

    def existing_blobs(self, blob_ids: Sequence[str]) -> set[str]:
        """Which of these blob ids Benchling holds."""
        return set(self._blobs.lookup(blob_ids).found)

    # Registries
    def list_registries(self, name: str | None = None) -> list[Registry]:
        return self._registries.registries(name)

    def get_registry(self, registry_id: str) -> Registry:
        return self._registries.registry(registry_id)

    def lookup_registered_entities(
        self, registry_id: str, registry_ids: Sequence[str]
    ) -> Lookup[RegisteredEntity]:
        """Entities by registry id (``found``) and the registry ids not registered (``missing``), however
        Benchling answers unknown ones; an unknown registry raises ``BenchlingNotFoundError``."""
        return self._registries.lookup_entities(registry_id, registry_ids)

    def registered_entities(
        self, registry_id: str, registry_ids: Sequence[str]
    ) -> dict[str, RegisteredEntity]:
        """Entities keyed by registry id; unknown ids are absent from the result."""
        return self._registries.lookup_entities(registry_id, registry_ids).found

    # Inventory and notebook entries (storage_link and entry_link values)
    def storage_by_barcodes(
        self, barcodes: Sequence[str], kinds: Sequence[StorageKind] = ALL_STORAGE_KINDS
    ) -> Lookup[StorageItem]:
        """Containers, plates, boxes, locations by barcode (each kind tried in turn with the barcodes
        still unfound, one batched call per kind); unknown barcodes are ``missing``."""
        return self._inventory.by_barcodes(barcodes, kinds)

    def storage_by_ids(self, item_ids: Sequence[str]) -> Lookup[StorageItem]:
        """Inventory items by id (``con_``, ``box_``, ``plt_``, ``loc_``); unknown ids are ``missing``."""
        return self._inventory.by_ids(item_ids)

    def storage_by_names(
        self, names: Sequence[str], kinds: Sequence[StorageKind] = ALL_STORAGE_KINDS
    ) -> dict[str, list[StorageItem]]:
        """Every inventory item named exactly (case-sensitive) one of ``names``; names are not unique,
        so each maps to a list (a name nothing carries is absent)."""
        return self._inventory.by_names(names, kinds)

    def entries_by_display_ids(self, display_ids: Sequence[str]) -> Lookup[Entry]:
        """Notebook entries by display id (``EXP23-001``); unknown display ids are ``missing``."""
        return self._entries.by_display_ids(display_ids)

    def entries_by_ids(self, entry_ids: Sequence[str]) -> Lookup[Entry]:
        """Notebook entries by id (``etr_…``); unknown ids are ``missing``."""
        return self._entries.by_ids(entry_ids)

    # Tasks
    def wait_for_task(self, task_id: str, *, timeout_seconds: float = 600.0) -> AsyncTask:
        return self._tasks.wait(task_id, timeout_seconds=timeout_seconds)
