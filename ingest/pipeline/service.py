"""The long-running ingestion loop: watcher + pipeline + a pool of workers.

Each cycle first claims and advances ledger rows that are due (pending work before new work), then takes
the files the watcher reports ready. Several files are in flight at once; the shared client keeps them
all within the tenant's rate limit. Before any of them sends anything, Benchling is asked in one
batched lookup what it already holds of them: new files are first planned by the workers, looked up
together, then finished by the workers. On a ledger shared by several hosts, each cycle claims at most
a few rows per worker, so that the hosts share the work. ``stop`` lets the current files reach a
checkpoint and returns.

A ledger that cannot be reached (a PostgreSQL server restarting) stops nothing: the loop waits with
backoff and goes on, and a new file whose row could not be written is offered again later, so no file
is lost and the service does not exit.
A ledger that cannot answer for a while (locked, disk full, unreachable) pauses the due rows, backing
off, but never stops the loop; the watcher likewise offers again what the ledger did not take.

An error no file is to blame for (``IngestError.pauses_ingestion``: credentials refused, Benchling
unreachable, a mapping that does not fit the tenant) pauses ingestion (``ingest.pipeline.pause``): no
row is claimed and new files are only recorded, so every file stays where it is with its row pending,
until the cause is gone; ``paused_reason`` says why meanwhile.

The mapping file is looked at on every pass (``ingest.pipeline.mapping_reload``): a saved change that
passes the start checks is used for the files planned from then on; one that does not is said and shown,
and the mapping in use stays.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ingest.errors import IngestError
from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.pipeline.mapping_reload import MappingReload
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.outcome_log import log_outcome
from ingest.pipeline.pause import PAUSE_BACKOFF, Pause, PauseCheck
from ingest.pipeline.pipeline import Pipeline
from ingest.pipeline.service_state import ServiceState
from ingest.pipeline.source_retries import SourceRetries
from ingest.watch import FolderWatcher

#: A new file after planning: its row (to be finished) or its outcome already.
_Prepared = tuple[SourceFile, FileRecord | Outcome]
_R = TypeVar("_R")
#: A worker's result with the seconds and the requests it took.
_Measured = tuple[_R, float, int]

#: How often a service holding new work for a mapping save looks at the file again.
MAPPING_HOLD_POLL_SECONDS = 0.1

log = logging.getLogger("ingest.service")

#: Due rows claimed per worker and cycle.
ROWS_PER_WORKER = 2
#: Waits before asking a ledger that failed to answer again: doubling from the first to the last.
OUTAGE_BACKOFF = (1.0, 60.0)
#: How often finished files whose move was interrupted (by a kill of this or another host sharing a
#: folder) are looked for again after the first time at start.
FILING_SWEEP_SECONDS = 30.0


@dataclass
class ServiceCounters:
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.outcomes[outcome.kind] = self.outcomes.get(outcome.kind, 0) + 1


def known_unless_unreachable(pipeline: Pipeline) -> Callable[[Path, int, int], bool]:
    """The watcher's ``is_known``: the pipeline's answer, or False while the ledger cannot be reached
    (the file is offered, and its ingest waits for the ledger)."""

    def is_known(path: Path, size: int, mtime_ns: int) -> bool:
        try:
            return pipeline.is_finished(path, size, mtime_ns)
        except IngestError as exc:
            if not exc.retryable:
                raise
            log.warning("%s: %s", path, exc.message)
            return False

    return is_known


class IngestService:
    def __init__(
        self,
        pipeline: Pipeline,
        watcher: FolderWatcher,
        *,
        workers: int = 4,
        poll_seconds: float = 1.0,
        on_outcome: Callable[[Outcome], None] | None = None,
        stop: threading.Event | None = None,
        pause_check: PauseCheck | None = None,
        pause_backoff: tuple[float, float] = PAUSE_BACKOFF,
        mapping: MappingReload | None = None,
    ) -> None:
        self.pipeline = pipeline
        #: The mapping in use and its file, looked at on every pass (None: the start's mapping throughout).
        self.mapping = mapping
        self.watcher = watcher
        self.workers = workers
        self.poll_seconds = poll_seconds
        self.counters = ServiceCounters()
        self.state = ServiceState()
        self.running = False
        self._on_outcome = on_outcome
        #: Shared with the client's waits (``ingest.pipeline.stopping``) when given, so a stop ends them.
        self._stop = stop if stop is not None else threading.Event()
        self._retries = SourceRetries()
        self._ledger_failures = 0
        self._ledger_retry_at = 0.0
        self._next_filing_sweep = 0.0
        #: Seconds and requests a new file's planning took, by row id, until its outcome is logged.
        self._spent: dict[int, tuple[float, int]] = {}
        self._pause = Pause(pause_check, backoff=pause_backoff)

    def _mapping_settled(self) -> None:
        """New files in hand: look at the mapping file now and wait while a save of it settles, so that
        a file that arrived after a save is planned with it (``MappingReload.holds_new_work``)."""
        if self.mapping is None:
            return
        self.mapping.poll(look_now=True)
        while self.mapping.holds_new_work() and not self._stop.wait(MAPPING_HOLD_POLL_SECONDS):
            self.mapping.poll(look_now=True)

    @property
    def paused_reason(self) -> str | None:
        """Why ingestion is paused (None while it runs); safe to read from any thread."""
        return self._pause.reason

    def pause(self, reason: str) -> None:
        """Pause ingestion for ``reason`` (a failed check at start) until the pause check passes."""
        self._pause.enter(reason)

    def stop(self) -> None:
        """Ask the loop to finish the files in hand and return. Never blocks, so it is safe from a signal
        handler: the loop's own thread stops the watcher's observers (joining their threads) on its way
        out, not the caller."""
        self._stop.set()
        self.watcher.request_stop()

    def run(self) -> ServiceCounters:
        self.watcher.start()
        limit = self.workers * ROWS_PER_WORKER
        self.running = True
        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ingest-worker") as pool:
                while not self._stop.is_set():
                    if self.mapping is not None:
                        self.mapping.poll()
                        if self.mapping.holds_new_work():
                            self._mapping_settled()
                    due = self._due(limit) if self._pause.resume_if_fixed() else []
                    self.pipeline.look_up(due)
                    self._collect(
                        [(pool.submit(self._measured, self._advance, record, None), None) for record in due]
                    )
                    if self._stop.is_set():
                        break
                    # A full batch means more rows may be due: look at the folders without waiting.
                    timeout = 0.0 if len(due) >= limit else self.poll_seconds
                    ready = self.watcher.poll_ready(timeout=timeout) + self._retries.due()
                    if ready:
                        self._mapping_settled()
                    prepared = self._prepare_all(pool, ready)
                    if self._pause.reason is not None:
                        for source, _ in prepared:
                            self._retries.forget(source)  # recorded: its row is due once resumed
                        continue
                    self.pipeline.look_up([step for _, step in prepared if isinstance(step, FileRecord)])
                    self._collect(
                        [
                            (pool.submit(self._measured, self._advance, step, source), source)
                            for source, step in prepared
                            if isinstance(step, FileRecord)
                        ]
                    )
        finally:
            self.running = False
            self.watcher.stop()
        return self.counters

    def _due(self, limit: int) -> list[FileRecord]:
        """Claim the due rows (after finishing interrupted moves); none this cycle while the ledger
        cannot answer (asked again later, backing off)."""
        now = time.monotonic()
        if now < self._ledger_retry_at:
            return []
        try:
            self._sweep_filing()
            rows = self.pipeline.due(roots=self.watcher.roots, limit=limit)
        except Exception as exc:  # whatever a busy, full or unreachable ledger raises
            if isinstance(exc, IngestError) and not exc.retryable:
                raise
            self._ledger_failures += 1
            delay = min(OUTAGE_BACKOFF[0] * 2.0 ** min(self._ledger_failures - 1, 30), OUTAGE_BACKOFF[1])
            self._ledger_retry_at = now + delay
            message = exc.message if isinstance(exc, IngestError) else f"{type(exc).__name__}: {exc}"
            log.warning(
                "Could not read the due files from the ledger (%s); trying again in %.0f s.", message, delay
            )
            return []
        self._ledger_failures = 0
        return rows

    def _prepare_all(self, pool: ThreadPoolExecutor, ready: list[SourceFile]) -> list[_Prepared]:
        """Admit and plan the new files in the workers; those already settled are counted here."""
        futures = [(pool.submit(self._measured, self._prepare, source), source) for source in ready]
        if futures:
            wait([future for future, _ in futures])
        prepared: list[_Prepared] = []
        for future, source in futures:
            try:
                (_, step), seconds, requests = future.result()
            except IngestError as exc:
                self._worker_stopped(exc, source)
                continue
            except Exception as exc:  # a ledger that cannot write (locked, disk full), or a bug: not fatal
                delay = self._retries.add(source)
                log.error(
                    "%s: could not be taken (%s: %s); offered again in %.0f s",
                    source.path,
                    type(exc).__name__,
                    exc,
                    delay,
                    exc_info=True,
                )
                continue
            if isinstance(step, Outcome):
                self._retries.forget(source)
                self._count(step, seconds, requests)
            else:
                self._spent[step.id] = (seconds, requests)
                prepared.append((source, step))
        return prepared

    def _prepare(self, source: SourceFile) -> _Prepared:
        with self._tracked(source.path, "parsing and planning", "prepare"):
            admitted = self.pipeline.admit(source, root=self.watcher.root_for(source.path))
            if isinstance(admitted, Outcome) or self._pause.reason is not None:
                return source, admitted  # while paused a new file is only recorded: its row waits
            return source, self.pipeline.prepare(admitted, source=source)

    def _advance(self, record: FileRecord, source: SourceFile | None) -> Outcome:
        step = "loading into Benchling" if source is not None else f"resuming from {record.state}"
        with self._tracked(record.path, step, "load"):
            return self.pipeline.advance(record, source=source)

    @contextmanager
    def _tracked(self, path: Path, step: str, timing: str) -> Iterator[None]:
        """``path`` is at ``step`` in ``self.state`` meanwhile (dropped if it raises); timed as ``timing``."""
        self.state.begin(path, step)
        started = time.perf_counter()
        try:
            yield
        except BaseException:
            self.state.drop(path)
            raise
        finally:
            self.state.timed(timing, time.perf_counter() - started)

    def _sweep_filing(self) -> None:
        if time.monotonic() >= self._next_filing_sweep:
            self.pipeline.finish_filing(roots=self.watcher.roots)
            self._next_filing_sweep = time.monotonic() + FILING_SWEEP_SECONDS

    def _measured(self, work: Callable[..., _R], *args: object, **kwargs: object) -> _Measured[_R]:
        """Run ``work`` in this worker, timing it and counting the requests it sent."""
        started, before = time.monotonic(), self.pipeline.requests_in_this_thread()
        result = work(*args, **kwargs)
        return result, time.monotonic() - started, self.pipeline.requests_in_this_thread() - before

    def _collect(self, futures: list[tuple[Future[_Measured[Outcome]], SourceFile | None]]) -> None:
        if not futures:
            return
        wait([future for future, _ in futures])
        for future, source in futures:
            try:
                outcome, seconds, requests = future.result()
            except IngestError as exc:
                self._worker_stopped(exc, source)
                continue
            except Exception:  # the pipeline maps errors itself; anything here is a bug, logged, not fatal
                log.exception("a worker failed unexpectedly")
                continue
            if source is not None:
                self._retries.forget(source)
            planned_seconds, planned_requests = self._spent.pop(outcome.record.id, (0.0, 0))
            self._count(outcome, planned_seconds + seconds, planned_requests + requests)

    def _worker_stopped(self, exc: IngestError, source: SourceFile | None) -> None:
        if exc.pauses_ingestion:
            self._pause.enter(exc.message)
            if source is not None:
                self._retries.add(source)
        elif source is not None and exc.retryable:
            delay = self._retries.add(source)
            log.warning("%s: %s (offered again in %.0f s)", source.path, exc.message, delay)
        else:
            log.error("a worker stopped on an error: %s", exc.message)

    def _count(self, outcome: Outcome, seconds: float, requests: int) -> None:
        if outcome.kind == "paused":
            self._pause.enter(outcome.message)
            self.state.drop(outcome.path)
            log.debug("left in place while paused: %s", outcome.path)
            if self._on_outcome is not None:
                self._on_outcome(outcome)
            return
        self.counters.add(outcome)
        self.state.finish(outcome)
        log_outcome(outcome, duration_s=seconds, requests=requests)
        if self._on_outcome is not None:
            self._on_outcome(outcome)
