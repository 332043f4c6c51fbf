"""Reprocessing an archive: many files, fewest requests, through the pipeline's public steps.

Files are taken in batches. Each file is admitted and planned by the pipeline exactly as a single file
would be; then the batch is looked up in Benchling together (what exists is adopted, with no upload),
each file uploads the blobs it still needs, the batch's runs go up in one request and its results in one
``:bulk-create`` task (``Pipeline.finish_many``), and whatever the batch did not take is finished one
by one. Every state is in the ledger first, exactly as for single files.

The stages overlap: one thread plans batches (parsing, resolving, rendering) while ``uploaders`` threads
each finish a planned batch, so the next files are read while the current ones upload and several
uploads are in flight when the rate limit has room (the client's limiter paces them all). Planning runs
at most ``batches_ahead`` batches ahead of the uploads, so memory holds a bounded number of plans
however long the archive. Outcomes are reported in batch order, from the calling thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.pipeline import Pipeline
from ingest.watch import describe_path

log = logging.getLogger("ingest.backfill")

#: How often a waiting thread looks whether the backfill was stopped.
_POLL_SECONDS = 0.5
#: How long files another worker holds are waited for at the end, and how often they are looked at.
HELD_PATIENCE_SECONDS = 300.0
_HELD_POLL_SECONDS = 1.0


@dataclass
class _Batch:
    """One batch on its way: outcomes settled while planning (duplicates, files already ingested, failed
    plans), the rows planned for ``finish_many``, and at the end every outcome in order."""

    index: int
    early: list[Outcome] = field(default_factory=list)
    prepared: list[tuple[FileRecord, SourceFile | None]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


class Backfill:
    """Ingests many files in batches with planning and uploads overlapped (see the module docstring).

    ``uploaders`` batches are finished at once (1: one after the other, planning still ahead), each with
    one request in flight: against a tenant that answers in 100-200 ms, 20 requests/s (an app's limit
    at 600/30) need three or four in flight. ``batches_ahead`` planned batches may wait for an uploader.
    At most ``uploaders + batches_ahead + 1`` batches' plans are held at once. Files another worker
    held are reported last, once it finished them or they were taken over (``held_patience_seconds``).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        batch_files: int = 25,
        uploaders: int = 4,
        batches_ahead: int = 1,
        held_patience_seconds: float = HELD_PATIENCE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for name, value in (
            ("batch_files", batch_files),
            ("uploaders", uploaders),
            ("batches_ahead", batches_ahead),
        ):
            if value < 1:
                raise ValueError(f"{name} must be at least 1; got {value!r}.")
        self._pipeline = pipeline
        self._batch_files = batch_files
        self._uploaders = uploaders
        self._batches_ahead = batches_ahead
        self._held_patience = held_patience_seconds
        self._clock = clock
        self._sleep = sleep

    def run(
        self,
        paths: Sequence[Path],
        *,
        root: Path,
        force: bool = False,
        on_outcome: Callable[[Outcome], None] | None = None,
        on_planned: Callable[[Path], None] | None = None,
    ) -> list[Outcome]:
        """Ingest ``paths`` (under ``root``, where they stay); one Outcome per file that could be read,
        in batch order. ``on_outcome`` is called in the calling thread as each batch is finished;
        ``on_planned(path)`` in the planning thread as each file is planned.

        An error that stops a planning or upload thread (a ledger that cannot be written) stops the
        backfill and is raised here once the other threads have finished the batch they hold."""
        batches = [
            paths[start : start + self._batch_files] for start in range(0, len(paths), self._batch_files)
        ]
        outcomes: list[Outcome] = []
        held: list[Outcome] = []

        def report(outcome: Outcome) -> None:
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        # ``closing``: an error in ``on_outcome`` (or Ctrl-C) stops and joins the threads before it leaves.
        with closing(
            _Run(
                self, batches, root, force, self._uploaders, self._batches_ahead, on_planned
            ).finished_in_order()
        ) as finished:
            for batch in finished:
                for outcome in batch.outcomes:
                    (held.append if outcome.held_elsewhere else report)(outcome)
        for outcome in self._wait_for_held(held, root):
            report(outcome)
        return outcomes

    def _wait_for_held(self, held: list[Outcome], root: Path) -> list[Outcome]:
        """The files another worker (a second reprocess, a watch, another host) held when their turn
        came: taken again until that worker has finished them (already done) or its lease ran out (taken
        over and finished here), for up to ``held_patience_seconds``; those still held then stay
        ``waiting``. Without this, two hosts reprocessing one folder would each end with "waiting" for
        the files the other had in hand."""
        deadline = self._clock() + self._held_patience
        final: list[Outcome] = []
        if held:
            log.info(
                "%d file(s) were in another worker's hands; waiting up to %.0f s for them to be finished or "
                "let go.",
                len(held),
                self._held_patience,
            )
        while held:
            again: list[Outcome] = []
            for outcome in held:
                try:
                    source = describe_path(outcome.path)
                except IngestError as exc:
                    log.error("%s: %s", outcome.path, exc.message)
                    continue
                # Never ``force`` here: the first admission already recorded a forced generation.
                now = self._pipeline.ingest(source, root=root)
                (again if now.held_elsewhere else final).append(now)
            held = again
            if held and self._clock() >= deadline:
                final.extend(held)
                break
            if held:
                self._sleep(_HELD_POLL_SECONDS)
        return final

    def plan_batch(
        self,
        index: int,
        paths: Sequence[Path],
        root: Path,
        force: bool,
        on_planned: Callable[[Path], None] | None = None,
    ) -> _Batch:
        """Admit and plan each file of one batch (no uploads)."""
        pipeline = self._pipeline
        batch = _Batch(index)
        for path in paths:
            try:
                source = describe_path(path)
            except IngestError as exc:
                log.error("%s: %s", path, exc.message)
                continue
            admitted = pipeline.admit(source, root=root, force=force)
            if isinstance(admitted, Outcome):
                batch.early.append(admitted)
                continue
            step = pipeline.prepare(admitted, source=source)
            if isinstance(step, Outcome):
                batch.early.append(step)
                continue
            batch.prepared.append((step, source))
            if on_planned is not None:
                on_planned(path)
        return batch

    def finish_batch(self, batch: _Batch) -> _Batch:
        """Upload and create what the batch's planned rows need (``Pipeline.finish_many``)."""
        batch.outcomes = [*batch.early, *self._pipeline.finish_many(batch.prepared)]
        batch.prepared = []
        return batch


class _Run:
    """The threads of one ``Backfill.run``: a planner, ``uploaders`` finishers, the caller collecting."""

    def __init__(
        self,
        backfill: Backfill,
        batches: Sequence[Sequence[Path]],
        root: Path,
        force: bool,
        uploaders: int,
        batches_ahead: int,
        on_planned: Callable[[Path], None] | None = None,
    ) -> None:
        self._backfill = backfill
        self._on_planned = on_planned
        self._batches = batches
        self._root = root
        self._force = force
        self._uploaders = uploaders
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._failure_lock = threading.Lock()
        # The planner blocks on ``put`` once ``batches_ahead`` planned batches wait: that is the bound.
        self._planned: queue.Queue[_Batch | None] = queue.Queue(maxsize=batches_ahead)
        self._finished: queue.Queue[_Batch | None] = queue.Queue()

    def finished_in_order(self) -> Generator[_Batch, None, None]:
        """Start the threads and yield each finished batch in batch order; joins every thread before it
        returns (or raises what stopped one of them)."""
        workers = [threading.Thread(target=self._plan_all, name="backfill-plan", daemon=False)]
        workers += [
            threading.Thread(target=self._finish_all, name=f"backfill-upload-{n}", daemon=False)
            for n in range(self._uploaders)
        ]
        for worker in workers:
            worker.start()
        waiting: dict[int, _Batch] = {}
        following = 0
        uploaders_left = self._uploaders
        try:
            while uploaders_left:
                try:
                    # A timeout, so that Ctrl-C reaches this thread on every platform.
                    finished = self._finished.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    continue
                if finished is None:
                    uploaders_left -= 1
                    continue
                waiting[finished.index] = finished
                while following in waiting:
                    yield waiting.pop(following)
                    following += 1
        finally:
            self._stop.set()
            for worker in workers:
                worker.join()
        if self._failure is not None:
            raise self._failure

    def _plan_all(self) -> None:
        try:
            for index, paths in enumerate(self._batches):
                if self._stop.is_set():
                    return
                batch = self._backfill.plan_batch(index, paths, self._root, self._force, self._on_planned)
                if not self._put(batch):
                    return
        except BaseException as exc:  # re-raised by the caller's thread
            self._fail(exc)
        finally:
            for _ in range(self._uploaders):
                self._planned.put(None)  # never blocks for long: uploaders drain until their None

    def _finish_all(self) -> None:
        try:
            while True:
                batch = self._planned.get()
                if batch is None:
                    return
                if self._stop.is_set():
                    continue  # planned rows stay planned: the next reprocess finishes them
                self._finished.put(self._backfill.finish_batch(batch))
        except BaseException as exc:
            self._fail(exc)
            self._drain()
        finally:
            self._finished.put(None)

    def _put(self, batch: _Batch) -> bool:
        """Hand a planned batch on, waiting for room; False when the backfill stopped meanwhile."""
        while not self._stop.is_set():
            try:
                self._planned.put(batch, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _drain(self) -> None:
        """After a failure: take batches off the queue until this thread's end marker, so the planner is
        never left waiting for room."""
        while self._planned.get() is not None:
            pass

    def _fail(self, exc: BaseException) -> None:
        with self._failure_lock:
            if self._failure is None:
                self._failure = exc
        self._stop.set()
