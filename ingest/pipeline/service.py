"""The long-running ingestion loop: watcher + pipeline + a pool of workers.

Each cycle first advances ledger rows that are due (pending work before new work), then takes the
files the watcher reports ready. Several files are in flight at once; the shared client keeps them
all within the tenant's rate limit. Before any of them sends anything, Benchling is asked in one
batched lookup what it already holds of them: new files are first planned by the workers, looked up
together, then finished by the workers. ``stop`` lets the current files reach a checkpoint and returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.pipeline import Pipeline
from ingest.watch import FolderWatcher

#: A new file after planning: its row (to be finished) or its outcome already.
_Prepared = tuple[SourceFile, FileRecord | Outcome]

log = logging.getLogger("ingest.service")


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
                    due = self.pipeline.due()
                    self.pipeline.look_up(due)
                    self._collect([pool.submit(self.pipeline.advance, record) for record in due])
                    if self._stop.is_set():
                        break
                    ready = self.watcher.poll_ready(timeout=self.poll_seconds)
                    prepared = self._prepare_all(pool, ready)
                    self.pipeline.look_up([step for _, step in prepared if isinstance(step, FileRecord)])
                    self._collect(
                        [
                            pool.submit(self.pipeline.advance, step, source=source)
                            for source, step in prepared
                            if isinstance(step, FileRecord)
                        ]
                    )
        finally:
            self.watcher.stop()
        return self.counters

    def _prepare_all(self, pool: ThreadPoolExecutor, ready: list[SourceFile]) -> list[_Prepared]:
        """Admit and plan the new files in the workers; those already settled are counted here."""
        futures = [pool.submit(self._prepare, source) for source in ready]
        if futures:
            wait(futures)
        prepared: list[_Prepared] = []
        for future in futures:
            try:
                source, step = future.result()
            except Exception:  # the pipeline maps errors itself; anything here is a bug, logged, not fatal
                log.exception("a worker failed unexpectedly")
                continue
            if isinstance(step, Outcome):
                self._count(step)
            else:
                prepared.append((source, step))
        return prepared

    def _prepare(self, source: SourceFile) -> _Prepared:
        admitted = self.pipeline.admit(source, root=self.watcher.root_for(source.path))
        if isinstance(admitted, Outcome):
            return source, admitted
        return source, self.pipeline.prepare(admitted, source=source)

    def _collect(self, futures: list[Future[Outcome]]) -> None:
        if not futures:
            return
        wait(futures)
        for future in futures:
            try:
                outcome = future.result()
            except Exception:  # the pipeline maps errors itself; anything here is a bug, logged, not fatal
                log.exception("a worker failed unexpectedly")
                continue
            self._count(outcome)

    def _count(self, outcome: Outcome) -> None:
        self.counters.add(outcome)
        log.info("%s %s: %s", outcome.kind, outcome.path, outcome.message)
        if self._on_outcome is not None:
            self._on_outcome(outcome)
