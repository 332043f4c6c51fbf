"""Backfill's stages overlap: planning runs ahead of the uploads by a bounded number of batches, several
batches upload at once, outcomes come back in batch order in the caller's thread, and an error in any
thread stops the others and reaches the caller.

The real pipeline runs over the in-process sandbox; ``StagedPipeline`` passes every call through and
only records when each stage starts and ends, holding a ``finish_many`` back where a test needs one
stage to wait for another (events with timeouts, never sleeps)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from ingest.errors import LedgerUnavailableError
from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.pipeline import Backfill, Outcome, Pipeline
from tests.support.corpus import write_export
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox

#: Long enough for a loaded machine to reach an event that is due; a test fails when it is exceeded.
DUE = 60.0


class StagedPipeline:
    """The pipeline, with the stages ``Backfill`` calls seen: planning of a batch starts at its first
    ``admit``, uploading at ``finish_many``. ``hold(n)`` is called inside the ``finish_many`` of the
    n-th batch to reach it (0-based) before it does anything."""

    def __init__(self, pipeline: Pipeline, batch_files: int) -> None:
        self._pipeline = pipeline
        self._batch_files = batch_files
        #: Notified whenever a batch starts planning or a ``finish_many`` returns.
        self.changed = threading.Condition()
        self.admitted = 0
        self.finishing = 0
        self.returned = 0
        #: At each batch's planning start: how many batches were planned or planning but not finished.
        self.leads: list[int] = []
        self.hold: Callable[[int], None] = lambda n: None
        self.after: Callable[[int], None] = lambda n: None
        self.fail_at: int | None = None

    @property
    def planning_started(self) -> int:
        return -(-self.admitted // self._batch_files)

    @property
    def lead(self) -> int:
        """Batches whose planning started and whose ``finish_many`` has not returned."""
        return self.planning_started - self.returned

    def admit(self, source: SourceFile, **options: Any) -> FileRecord | Outcome:
        with self.changed:
            starts_batch = self.admitted % self._batch_files == 0
            self.admitted += 1
            if starts_batch:
                self.leads.append(self.lead)
                self.changed.notify_all()
        return self._pipeline.admit(source, **options)

    def prepare(self, record: FileRecord, **options: Any) -> FileRecord | Outcome:
        return self._pipeline.prepare(record, **options)

    def finish_many(self, prepared: Sequence[tuple[FileRecord, SourceFile | None]]) -> list[Outcome]:
        with self.changed:
            n = self.finishing
            self.finishing += 1
        if n == self.fail_at:
            raise LedgerUnavailableError("The ledger could not be written (a test's stand-in failure).")
        self.hold(n)
        try:
            return self._pipeline.finish_many(prepared)
        finally:
            with self.changed:
                self.returned += 1
                self.changed.notify_all()
            self.after(n)


def backfill_of(staged: StagedPipeline, **options: Any) -> Backfill:
    return Backfill(cast(Pipeline, staged), **options)


def exports_in(root: Path, count: int) -> list[Path]:
    return [write_export(root, i, results=3).csv for i in range(count)]


def test_planning_stays_within_its_bound_of_batches_ahead_of_the_uploads(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports_in(root, 8)
    uploaders, ahead = 1, 1
    bound = uploaders + ahead + 1  # batches uploading, waiting for an uploader, and being planned
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        staged = StagedPipeline(pipeline, batch_files=1)

        def hold(n: int) -> None:
            # Each upload waits until planning is as far ahead as it may be (or has planned everything),
            # then gives it a moment more in which planning past the bound would show.
            with staged.changed:
                reached = staged.changed.wait_for(
                    lambda: staged.lead >= bound or staged.planning_started == len(paths), timeout=DUE
                )
                assert reached, f"planning stopped short of the bound: {staged.leads}"
                staged.changed.wait_for(lambda: staged.lead > bound, timeout=0.2)

        staged.hold = hold
        outcomes = backfill_of(staged, batch_files=1, uploaders=uploaders, batches_ahead=ahead).run(
            paths, root=root
        )
    assert [o.kind for o in outcomes] == ["done"] * 8
    assert max(staged.leads) == bound, staged.leads


def test_several_batches_upload_at_once(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports_in(root, 4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        staged = StagedPipeline(pipeline, batch_files=2)
        second_started = threading.Event()
        overlapped: list[bool] = []

        def hold(n: int) -> None:
            if n == 0:
                overlapped.append(second_started.wait(timeout=DUE))
            else:
                second_started.set()

        staged.hold = hold
        outcomes = backfill_of(staged, batch_files=2, uploaders=2).run(paths, root=root)
        assert [o.kind for o in outcomes] == ["done"] * 4
        assert overlapped == [True], "the first batch's uploads never ran beside the second's"
        assert len(sandbox.store.runs()) == 4


def test_outcomes_come_in_batch_order_in_the_callers_thread(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports_in(root, 4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        staged = StagedPipeline(pipeline, batch_files=1)
        later_returned = threading.Event()
        first_waited: list[bool] = []

        def hold(n: int) -> None:
            if n == 0:  # the first batch finishes last
                first_waited.append(later_returned.wait(timeout=DUE))

        def after(n: int) -> None:
            if n > 0:
                later_returned.set()

        staged.hold, staged.after = hold, after
        threads: set[str] = set()
        seen: list[Path] = []

        def note(outcome: Outcome) -> None:
            threads.add(threading.current_thread().name)
            seen.append(outcome.path)

        outcomes = backfill_of(staged, batch_files=1, uploaders=3).run(paths, root=root, on_outcome=note)
    assert first_waited == [True]
    assert [o.path for o in outcomes] == paths
    assert seen == paths
    assert threads == {threading.current_thread().name}


def test_a_failing_upload_thread_stops_the_backfill_and_its_error_reaches_the_caller(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports_in(root, 6)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        staged = StagedPipeline(pipeline, batch_files=2)
        staged.fail_at = 1
        seen: list[Outcome] = []
        with pytest.raises(LedgerUnavailableError, match="stand-in failure"):
            backfill_of(staged, batch_files=2, uploaders=1).run(paths, root=root, on_outcome=seen.append)
        assert [o.path for o in seen] == paths[:2], "the batch before the failure is reported"
        # Rows planned but not uploaded stay planned: a second backfill takes them all the way.
        again = Backfill(pipeline, batch_files=2).run(paths, root=root)
        assert [o.kind for o in again] == ["already_done"] * 2 + ["done"] * 4
        assert len(sandbox.store.runs()) == 6


def test_an_error_in_on_outcome_stops_the_threads_and_is_raised(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports_in(root, 4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:

        def refuse(outcome: Outcome) -> None:
            raise RuntimeError("the progress display is gone")

        with pytest.raises(RuntimeError, match="display is gone"):
            Backfill(pipeline, batch_files=1, uploaders=2).run(paths, root=root, on_outcome=refuse)
    # The autouse thread check fails this test if a backfill thread outlived ``run``.


@pytest.mark.parametrize("option", ["batch_files", "uploaders", "batches_ahead"])
def test_sizes_below_one_are_refused(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} must be at least 1; got 0"):
        Backfill(cast(Pipeline, object()), **{option: 0})
