"""The long-running ingestion loop: watcher + pipeline + a pool of workers.

Each cycle first advances ledger rows that are due (pending work before new work), then takes the
files the watcher reports ready. Several files are in flight at once; the shared client keeps them
all within the tenant's rate limit. ``stop`` lets the current files reach a checkpoint and returns.
A ledger that cannot answer for a while (locked, disk full, unreachable) pauses the due rows, backing
off, but never stops the loop; the watcher likewise offers again what the ledger did not take.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ingest.ledger import FileRecord
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.pipeline import Pipeline
from ingest.watch import FolderWatcher

log = logging.getLogger("ingest.service")

#: The longest pause before asking a ledger that failed to answer again.
LEDGER_RETRY_MAX_SECONDS = 60.0


@dataclass
class ServiceCounters:
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.outcomes[outcome.kind] = self.outcomes.get(outcome.kind, 0) + 1


class IngestService:
    def __init__(
        self,
        pipeline: Pipeline,
        watcher: FolderWatcher,
        *,
        workers: int = 4,
        poll_seconds: float = 1.0,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.watcher = watcher
        self.workers = workers
        self.poll_seconds = poll_seconds
        self.counters = ServiceCounters()
        self._on_outcome = on_outcome
        self._stop = threading.Event()
        self._ledger_failures = 0
        self._ledger_retry_at = 0.0

    def stop(self) -> None:
        """Ask the loop to finish the files in hand and return (safe from a signal handler)."""
        self._stop.set()
        self.watcher.stop()

    def run(self) -> ServiceCounters:
        self.pipeline.finish_filing()
        self.watcher.start()
        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ingest-worker") as pool:
                while not self._stop.is_set():
                    futures: list[Future[Outcome]] = [
                        pool.submit(self.pipeline.advance, record) for record in self._due()
                    ]
                    self._collect(futures)
                    if self._stop.is_set():
                        break
                    ready = self.watcher.poll_ready(timeout=self.poll_seconds)
                    futures = [
                        pool.submit(self.pipeline.ingest, source, root=self.watcher.root_for(source.path))
                        for source in ready
                    ]
                    self._collect(futures)
        finally:
            self.watcher.stop()
        return self.counters

    def _due(self) -> list[FileRecord]:
        """The pipeline's due rows; none this cycle while the ledger cannot answer (tried again later)."""
        now = time.monotonic()
        if now < self._ledger_retry_at:
            return []
        try:
            rows = self.pipeline.due()
        except Exception as exc:  # whatever a busy, full or unreachable ledger raises
            self._ledger_failures += 1
            delay = min(2.0 ** min(self._ledger_failures - 1, 30), LEDGER_RETRY_MAX_SECONDS)
            self._ledger_retry_at = now + delay
            log.warning(
                "Could not read the due files from the ledger (%s: %s); trying again in %.0f s.",
                type(exc).__name__,
                exc,
                delay,
            )
            return []
        self._ledger_failures = 0
        return rows

    def _collect(self, futures: list[Future[Outcome]]) -> None:
        if not futures:
            return
        wait(futures)
        for future in futures:
            try:
                outcome = future.result()
            except Exception:  # the pipeline maps errors itself; anything here is a bug, logged, not fatal
                log.exception("a worker failed unexpectedly; its file stays in line and is tried again")
                continue
            self.counters.add(outcome)
            log.info("%s %s: %s", outcome.kind, outcome.path, outcome.message)
            if self._on_outcome is not None:
                self._on_outcome(outcome)
