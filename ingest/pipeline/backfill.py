"""Reprocessing an archive: many files, fewest requests.

Files are taken in batches. Each file is planned and its blobs uploaded one by one (a blob cannot be
shared), then the batch's runs go up in one request and the batch's results in one ``:bulk-create``
task (all or nothing for the whole batch, so all or none per file). Whatever fails in the batched
path falls back to the one-file path, which knows how to resume and verify. Every state is in the
ledger first, exactly as for single files.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from ingest.errors import BenchlingError, IngestError
from ingest.ledger.sqlite import FileRecord
from ingest.models import SourceFile
from ingest.pipeline.pipeline import Outcome, Pipeline
from ingest.watch.source_file import describe_path

log = logging.getLogger("ingest.backfill")

MAX_BULK_RESULTS = 4000


@dataclass(frozen=True)
class Selection:
    """Which files of an archive folder to take."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    globs: tuple[str, ...] = ()
    unit_suffixes: tuple[str, ...] = (".d",)

    def wanted(self, path: Path, root: Path) -> bool:
        relative = PurePath(path.relative_to(root)).as_posix()
        if self.globs and not any(
            fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(path.name, g) for g in self.globs
        ):
            return False
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        if self.since is not None and mtime < self.since:
            return False
        return not (self.until is not None and mtime >= self.until)


def list_candidates(root: Path, selection: Selection, is_export: Callable[[Path], bool]) -> list[Path]:
    """Files (and folder units) under ``root`` that a parser claims and the selection wants, by name."""
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name.endswith(".error.json"):
                continue
            if entry.is_dir():
                if entry.suffix.lower() in selection.unit_suffixes:
                    if selection.wanted(entry, root) and is_export(entry):
                        found.append(entry)
                else:
                    stack.append(entry)
            elif entry.is_file() and selection.wanted(entry, root) and is_export(entry):
                found.append(entry)
    return sorted(found)


class Backfill:
    def __init__(self, pipeline: Pipeline, *, batch_files: int = 25) -> None:
        self.pipeline = pipeline
        self.batch_files = batch_files

    def run(
        self,
        paths: Sequence[Path],
        *,
        root: Path,
        force: bool = False,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for start in range(0, len(paths), self.batch_files):
            for outcome in self._batch(paths[start : start + self.batch_files], root, force):
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return outcomes

    def _batch(self, paths: Sequence[Path], root: Path, force: bool) -> Iterable[Outcome]:
        pipeline = self.pipeline
        ready: list[tuple[FileRecord, SourceFile]] = []
        for path in paths:
            try:
                source = describe_path(path)
            except IngestError as exc:
                log.error("%s: %s", path, exc.message)
                continue
            record = pipeline.ledger.record_discovered(source, root=root, forced=force)
            if record.state == "done":
                yield Outcome("already_done", record, "already ingested; nothing created")
                continue
            if record.state in ("failed", "duplicate"):
                record = pipeline.ledger.transition(
                    record.id, "discovered", last_error=None, detail="reprocess"
                )
            if record.state == "discovered" and not record.forced:
                original = pipeline.original_of(record)
                if original is not None:
                    yield pipeline.mark_duplicate(record, source, original)
                    continue
            try:
                if record.state == "discovered":
                    record = pipeline.plan_record(record)
                if record.state == "planned":
                    record = pipeline.uploader.upload_blobs(record)
            except IngestError as exc:
                yield pipeline.record_failure(record, source, exc.to_dict(), retryable=exc.retryable)
                continue
            ready.append((record, source))
        yield from self._create_runs_and_results(ready)

    def _create_runs_and_results(self, ready: list[tuple[FileRecord, SourceFile]]) -> Iterable[Outcome]:
        pipeline, uploader, ledger = self.pipeline, self.pipeline.uploader, self.pipeline.ledger
        fresh = [(r, s) for r, s in ready if r.state == "blobs_uploaded" and r.inflight is None]
        if len(fresh) > 1:
            try:
                for record, _ in fresh:
                    ledger.update(record.id, inflight="run")
                pipeline.client.create_runs([uploader.run_body(r) for r, _ in fresh])
                for record, _ in fresh:
                    ledger.transition(record.id, "run_created", run_id=record.run_id)
            except BenchlingError as exc:
                log.info("batched run create failed (%s); taking the files one by one", exc.message)
        refreshed = [(ledger.get(r.id), s) for r, s in ready]
        batch = [(r, s) for r, s in refreshed if r.state == "run_created" and r.inflight is None]
        bodies = [b for r, _ in batch for b in uploader.result_bodies(r)]
        if len(batch) > 1 and 0 < len(bodies) <= MAX_BULK_RESULTS:
            try:
                for record, _ in batch:
                    ledger.update(record.id, inflight="results")
                pipeline.client.bulk_create_results(bodies)
                for record, _ in batch:
                    ids = [str(b["id"]) for b in uploader.result_bodies(record)]
                    ledger.transition(record.id, "done", result_ids=ids)
            except BenchlingError as exc:
                log.info("batched result create failed (%s); taking the files one by one", exc.message)
        for record, source in refreshed:
            yield pipeline.advance(ledger.get(record.id), source=source)
