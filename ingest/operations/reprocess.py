"""``reprocess``: which exports of an archive folder to take, a dry run over them, and the backfill."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.benchling import PacingWait
from ingest.errors import IngestError
from ingest.pipeline import Backfill, Outcome, Pipeline
from ingest.watch import list_exports

log = logging.getLogger("ingest.reprocess")

#: What each pacing reason is called in the messages people read.
_WAIT_REASONS = {"results_hourly_cap": "the hourly results cap", "rate_limit": "the rate limit"}
#: Why each pacing reason makes the client wait, for the log.
_WAIT_WHY = {
    "results_hourly_cap": "Benchling allows a fixed number of result writes per hour",
    "rate_limit": "Benchling allows a fixed number of requests per window",
}


@dataclass(frozen=True)
class Selection:
    """Exports modified in ``[since, until)`` whose relative path matches one of ``globs`` (all when
    empty), in the pattern language of ``ingest.watch.patterns``."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    globs: tuple[str, ...] = ()


def select_exports(pipeline: Pipeline, root: Path, selection: Selection) -> list[Path]:
    """The exports under ``root`` that the selection wants, in relative-path order."""
    chosen: list[Path] = []
    for candidate in list_exports(
        root, include=selection.globs, unit_suffixes=pipeline.unit_suffixes, is_export=pipeline.claims
    ):
        modified = dt.datetime.fromtimestamp(candidate.mtime_ns / 1e9).astimezone()
        if selection.since is not None and modified < selection.since:
            continue
        if selection.until is not None and modified >= selection.until:
            continue
        chosen.append(candidate.path)
    return chosen


@dataclass(frozen=True)
class DryRunLine:
    """One file of a dry run: what would happen, or the problem (with its stage) that stops it."""

    path: Path
    runs: int = 0
    results: int = 0
    already_done: bool = False
    problem: str | None = None
    stage: str | None = None


def dry_run(pipeline: Pipeline, root: Path, paths: Sequence[Path]) -> Iterator[DryRunLine]:
    """Plan every file as the reprocess would (reading the tenant), writing nothing anywhere."""
    for path in paths:
        try:
            source, plan = pipeline.plan_file(path, root=root)
        except IngestError as exc:
            yield DryRunLine(path, problem=exc.message, stage=exc.stage)
            continue
        yield DryRunLine(
            path, runs=1, results=len(plan.results), already_done=pipeline.already_done(source.sha256)
        )


def reprocess(
    pipeline: Pipeline,
    paths: Sequence[Path],
    *,
    root: Path,
    force: bool = False,
    batch_files: int = 25,
    uploaders: int = 4,
    batches_ahead: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_planned: Callable[[Path], None] | None = None,
) -> list[Outcome]:
    """Ingest ``paths`` in batches (runs and results of a batch share requests); files stay in place.

    The next batch is planned while ``uploaders`` batches upload (see :class:`Backfill`); ``on_planned``
    hears of each file planned, ``on_outcome`` of each file's outcome."""
    backfill = Backfill(pipeline, batch_files=batch_files, uploaders=uploaders, batches_ahead=batches_ahead)
    return backfill.run(paths, root=root, force=force, on_outcome=on_outcome, on_planned=on_planned)


def describe_wait(wait: PacingWait) -> str:
    """``waiting 1800 s for the hourly results cap``."""
    return f"waiting {wait.seconds:.0f} s for {_WAIT_REASONS.get(wait.reason, wait.reason)}"


class WaitNotice:
    """The client's ``on_wait``: logs each pacing wait (the hourly results cap, the request rate limit)
    and tells the progress display (thread-safe).

    Made before the client (which takes it at construction); the display attaches later with ``show``.
    ``latest`` is the last message, None once ``clear`` was called (a file finished since).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._show: Callable[[str], None] | None = None
        self.latest: str | None = None

    def __call__(self, wait: PacingWait) -> None:
        text = describe_wait(wait)
        log.info("Reprocess is %s (%s).", text, _WAIT_WHY.get(wait.reason, wait.reason))
        with self._lock:
            self.latest = text
            show = self._show
        if show is not None:
            show(text)

    def show(self, display: Callable[[str], None]) -> None:
        with self._lock:
            self._show = display

    def clear(self) -> None:
        with self._lock:
            self.latest = None
