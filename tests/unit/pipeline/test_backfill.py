"""Backfill over the in-process sandbox: batched creates through the pipeline's public steps, and the
one-by-one fallback when a batch fails."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.pipeline import Backfill
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox

BULK = "POST /assay-results:bulk-create"


def archive_of(folder: Path, count: int) -> list[GoodExport]:
    return [write_export(folder, i, results=5 + i) for i in range(count)]


def assert_all_ingested(sandbox: InProcessSandbox, exports: list[GoodExport]) -> None:
    runs = sandbox.store.runs()
    assert len(runs) == len(exports)
    assert sorted(len(sandbox.store.results(r["id"])) for r in runs) == sorted(e.results for e in exports)


def test_a_batch_shares_one_run_request_and_one_bulk_result_task(tmp_path: Path) -> None:
    root = tmp_path / "archive-2024"
    exports = archive_of(root, 4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        outcomes = Backfill(pipeline, batch_files=10).run([e.csv for e in exports], root=root)
        assert [o.kind for o in outcomes] == ["done"] * 4, [o.message for o in outcomes]
        assert_all_ingested(sandbox, exports)
        assert sandbox.requests("POST /assay-runs") == 1
        assert sandbox.requests(BULK) == 1
        assert sandbox.requests("POST /assay-results") == 0
        assert all(e.csv.exists() for e in exports), "a backfill leaves files where they are"


def test_batches_are_cut_at_batch_files(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    exports = archive_of(root, 5)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        seen: list[str] = []
        Backfill(pipeline, batch_files=2).run(
            [e.csv for e in exports], root=root, on_outcome=lambda o: seen.append(o.kind)
        )
        assert seen == ["done"] * 5
        # Batches of 2, 2 and 1: a batch of one takes the single-file path.
        assert sandbox.requests("POST /assay-runs") == 3
        assert sandbox.requests(BULK) == 2
        assert sandbox.requests("POST /assay-results") == 1


def test_a_failed_run_batch_falls_back_to_one_by_one_with_the_inflight_check(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    exports = archive_of(root, 3)
    with inprocess_sandbox("POST /assay-runs: script=502,502") as sandbox:
        with inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
            outcomes = Backfill(pipeline, batch_files=10).run([e.csv for e in exports], root=root)
        assert [o.kind for o in outcomes] == ["done"] * 3, [o.message for o in outcomes]
        assert_all_ingested(sandbox, exports)
        # Two failed sends of the batch, then one run request per file (each row was marked inflight, so
        # each was first looked up); the rows then finish one by one, results included.
        assert sandbox.requests("POST /assay-runs") == 2 + 3
        assert sandbox.requests(BULK) == 0
        assert sandbox.requests("POST /assay-results") == 3


def test_a_failed_result_batch_falls_back_to_one_by_one(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    exports = archive_of(root, 3)
    # A fault rule's target ends at its first ':', so '?' stands for the ':' of ':bulk-create'.
    with inprocess_sandbox("POST /assay-results?bulk-create: script=502,502") as sandbox:
        with inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
            outcomes = Backfill(pipeline, batch_files=10).run([e.csv for e in exports], root=root)
        assert [o.kind for o in outcomes] == ["done"] * 3, [o.message for o in outcomes]
        assert_all_ingested(sandbox, exports)
        assert sandbox.requests("POST /assay-runs") == 1
        assert sandbox.requests("POST /assay-results") == 3


def test_the_backfill_shares_the_single_file_rules(tmp_path: Path) -> None:
    """Same content twice is a duplicate; a file already ingested is left alone; an unreadable path is
    skipped; the others of the batch are unaffected."""
    root = tmp_path / "archive"
    exports = archive_of(root, 2)
    copy = root / "copy" / exports[0].csv.name
    copy.parent.mkdir()
    shutil.copy(exports[0].csv, copy)
    shutil.copy(exports[0].trace, copy.parent / exports[0].trace.name)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        backfill = Backfill(pipeline, batch_files=10)
        first = backfill.run([exports[0].csv, copy, root / "vanished.csv", exports[1].csv], root=root)
        assert [o.kind for o in first] == ["duplicate", "done", "done"]
        assert first[0].path == copy
        again = backfill.run([e.csv for e in exports], root=root)
        assert [o.kind for o in again] == ["already_done", "already_done"]
        assert_all_ingested(sandbox, exports)
