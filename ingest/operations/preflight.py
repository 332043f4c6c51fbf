"""What ``watch`` checks before it takes any file, and what it looks at again while ingestion is paused.

The checks are ``doctor``'s (one :class:`CheckResult` type for both). At start, a failure of
reachability, credentials or the mapping against the tenant starts the service paused with the reason:
those may be fixed while it waits (Benchling comes up, an administrator grants access, the mapping file
is corrected) and nothing is quarantined meanwhile. Anything else that fails stops ``watch`` at once:
settings, a mapping file that cannot be read, a watched folder that does not exist or cannot be listed
(a network share that is away only warns: the watcher waits for it), a folder files cannot be moved
out of or into, a ledger that cannot be written. A low disk only warns.

While paused, :class:`PauseRecheck` runs Benchling's checks again (with a client of its own, so a
refused connection is said at once, drawing on the pipeline's request budget), then checks the mapping
in use against the tenant afresh. The mapping file is not read here: the service's
``ingest.pipeline.mapping_reload`` puts a saved change in use (the same rule paused or not), and a new
mapping in use makes the pause look again at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ingest.benchling import BenchlingClient, ClientStats, RequestBudget, RetryPolicy
from ingest.errors import ConfigError
from ingest.operations.doctor import checks_named, doctor_context, run_checks
from ingest.operations.doctor_checks import mapping_fit
from ingest.operations.doctor_context import CheckResult, DoctorContext, WatchedFolders
from ingest.pipeline import Pipeline
from ingest.pipeline.mapping_reload import MappingReload
from ingest.settings import Settings

#: Checked at the start of ``watch``: ``doctor``'s checks less those that only inform or write.
START_CHECKS = checks_named("settings", "reachability", "credentials", "mapping", "folders", "ledger", "disk")
#: Looked at again while paused (then the mapping in use: :class:`PauseRecheck`).
RECHECKS = checks_named("settings", "reachability", "credentials")
#: A failure of one of these pauses ingestion instead of stopping ``watch``.
PAUSING = frozenset({"reachability", "credentials", "mapping"})
#: The checks' own client gives up quickly (no waiting out a maintenance window, a few seconds of 5xx at
#: most): a Benchling that is not fit now is a reason to pause, and the pause looks again later.
CHECK_PATIENCE = RetryPolicy(
    initial_backoff=0.5, max_backoff=2.0, max_attempts=3, maintenance_patience_seconds=0.0
)


@dataclass(frozen=True)
class Preflight:
    """The start checks' results, sorted into what stops ``watch``, what pauses it and what warns."""

    results: tuple[CheckResult, ...]
    #: What the checks sent to Benchling (counted with the pipeline's: :func:`add_check_counters`).
    stats: ClientStats = field(default_factory=ClientStats)

    @property
    def fatal(self) -> list[CheckResult]:
        """Failures ``watch`` cannot start with (a mapping file that cannot be read is one)."""
        return [r for r in self.results if r.status == "fail" and not _pauses(r)]

    @property
    def pause_reason(self) -> str | None:
        """Why the service starts paused (None: it starts ingesting)."""
        return reason_of([r for r in self.results if _pauses(r)])

    def problems(self) -> list[str]:
        """One line per check that did not pass, for the console."""
        return [
            f"{r.status:<4} {r.name}: {r.summary}" + (f" -> {r.action}" if r.action else "")
            for r in self.results
            if r.status in ("warn", "fail")
        ]


def _pauses(result: CheckResult) -> bool:
    return result.name in PAUSING and not result.details.get("unreadable")


def reason_of(results: Sequence[CheckResult]) -> str | None:
    """The first failure as a sentence with what to do, or None when none failed."""
    failed = next((r for r in results if r.status == "fail"), None)
    if failed is None:
        return None
    summary = failed.summary.rstrip(".")
    return f"{summary}. To fix: {failed.action}." if failed.action else f"{summary}."


def preflight(
    settings: Settings, folders: WatchedFolders, *, budget: RequestBudget | None = None
) -> Preflight:
    """Run the start checks (with a client of their own, drawing on ``budget``: the process's, which
    the pipeline draws on next, so that the checks' requests count against the tenant's limit too)."""
    with checking(settings, folders, budget=budget) as context:
        results = tuple(run_checks(context, START_CHECKS))
        return Preflight(results, check_stats(context))


def checked_start(
    settings: Settings, folders: WatchedFolders, budget: RequestBudget | None, *, say: Callable[[str], None]
) -> Preflight:
    """:func:`preflight`, each problem said; a failure ``watch`` cannot start with raises
    ``ConfigError`` (the service starts paused for the others)."""
    start = preflight(settings, folders, budget=budget)
    for line in start.problems():
        say(line)
    if start.fatal:
        raise ConfigError("cannot start (see the failed checks above).")
    return start


def add_check_counters(pipeline: Pipeline, stats: ClientStats) -> None:
    """Count the checks' requests in the ledger with the pipeline's, so that ``status`` shows every
    request this process sent."""
    pipeline.ledger.add_counter("requests", stats.total_requests)
    pipeline.ledger.add_counter("rate_limited", stats.rate_limited)


def check_stats(context: DoctorContext) -> ClientStats:
    """What the checks' own client sent (nothing when Benchling is not configured)."""
    return context.client.stats if context.settings.client is not None else ClientStats()


@contextmanager
def checking(
    settings: Settings, folders: WatchedFolders | None = None, *, budget: RequestBudget | None = None
) -> Iterator[DoctorContext]:
    """A doctor context whose client (when Benchling is configured) has :data:`CHECK_PATIENCE` and
    draws on ``budget`` (None: a limiter of its own)."""
    if settings.client is None:
        with doctor_context(settings, folders=folders) as context:
            yield context
        return
    with (
        BenchlingClient.from_settings(settings.client, retry_policy=CHECK_PATIENCE, budget=budget) as client,
        doctor_context(settings, client=client, folders=folders) as context,
    ):
        yield context


class PauseRecheck:
    """The service's pause check (``ingest.pipeline.pause.PauseCheck``) for a pipeline made from
    ``settings`` whose mapping ``mapping`` keeps in step with its file."""

    def __init__(self, settings: Settings, pipeline: Pipeline, mapping: MappingReload) -> None:
        self._settings = settings
        self._pipeline = pipeline
        self._mapping = mapping

    def changed(self) -> bool:
        return self._mapping.take_applied()

    def reason(self) -> str | None:
        """Benchling's checks again, then the mapping in use against the tenant (a saved change that
        waited for Benchling is checked first); when they pass, the pipeline reads the tenant afresh."""
        with checking(self._settings, budget=self._pipeline.client.budget) as context:
            try:
                reason = reason_of(run_checks(context, RECHECKS))
                if reason is None:
                    self._mapping.recheck()
                    reason = reason_of(
                        [mapping_fit(self._mapping.schema_map, context.tenant(), self._settings.map_path)]
                    )
            finally:
                add_check_counters(self._pipeline, check_stats(context))
        if reason is not None:
            return reason
        self._pipeline.use_mapping(self._mapping.schema_map)
        return None
