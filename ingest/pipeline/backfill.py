"""Reprocessing an archive: many files, fewest requests, through the pipeline's public steps.

Files are taken in batches. Each file is admitted and planned by the pipeline exactly as a single file
would be; then the batch is looked up in Benchling together (what exists is adopted, with no upload),
each file uploads the blobs it still needs, the batch's runs go up in one request and its results in one
``:bulk-create`` task (``Pipeline.finish_many``), and whatever the batch did not take is finished one
by one. Every state is in the ledger first, exactly as for single files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ingest.errors import IngestError
from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.pipeline import Pipeline
from ingest.watch import describe_path

log = logging.getLogger("ingest.backfill")


class Backfill:
    def __init__(self, pipeline: Pipeline, *, batch_files: int = 25) -> None:
        if batch_files < 1:
            raise ValueError(f"batch_files must be at least 1; got {batch_files!r}.")
        self._pipeline = pipeline
        self._batch_files = batch_files

    def run(
        self,
        paths: Sequence[Path],
        *,
        root: Path,
        force: bool = False,
        on_outcome: Callable[[Outcome], None] | None = None,
        on_planned: Callable[[Path], None] | None = None,
    ) -> list[Outcome]:
        """Ingest ``paths`` (under ``root``, where they stay); one Outcome per file that could be read.
        ``on_planned(path)`` hears of each file planned and waiting for its batch's shared requests."""
        outcomes: list[Outcome] = []
        for start in range(0, len(paths), self._batch_files):
            batch = self._batch(paths[start : start + self._batch_files], root, force, on_planned)
            for outcome in batch:
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return outcomes

    def _batch(
        self, paths: Sequence[Path], root: Path, force: bool, on_planned: Callable[[Path], None] | None
    ) -> Iterator[Outcome]:
        pipeline = self._pipeline
        prepared: list[tuple[FileRecord, SourceFile | None]] = []
        for path in paths:
            try:
                source = describe_path(path)
            except IngestError as exc:
                log.error("%s: %s", path, exc.message)
                continue
            admitted = pipeline.admit(source, root=root, force=force)
            if isinstance(admitted, Outcome):
                yield admitted
                continue
            step = pipeline.prepare(admitted, source=source)
            if isinstance(step, Outcome):
                yield step
                continue
            prepared.append((step, source))
            if on_planned is not None:
                on_planned(path)
        yield from pipeline.finish_many(prepared)
