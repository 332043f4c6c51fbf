"""A move out of the drop folder that fails for a lasting reason is tried a few times and then given
up with a clear final state, not retried and logged at every look of the watcher. The archive or
quarantine folder here is a regular file, so every move into it fails with ENOTDIR (as a name or a
permission the share refuses would). The in-process sandbox; no service."""

from __future__ import annotations

from pathlib import Path

from ingest.filing.move_errors import LASTING_FAILURE_ATTEMPTS
from ingest.pipeline import Pipeline
from ingest.watch import describe_path
from tests.support.corpus import write_export
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox


def offered_again(pipeline: Pipeline, path: Path) -> bool:
    stat = path.stat()
    return not pipeline.is_finished(path, stat.st_size, stat.st_mtime_ns)


def test_an_archive_move_that_keeps_failing_is_given_up_and_the_file_no_longer_offered(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    item = write_export(inbox, 1, results=2)
    (tmp_path / "archive").write_text("not a folder\n", encoding="utf-8")
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcome = pipeline.ingest(describe_path(item.csv), root=inbox)
        assert outcome.kind == "done", outcome.message
        for attempt in range(1, LASTING_FAILURE_ATTEMPTS):
            [row] = pipeline.ledger.in_state("done")
            assert row.last_error is not None and row.last_error["details"]["attempts"] == attempt
            assert offered_again(pipeline, item.csv), "a lasting failure is tried a few times"
            pipeline.ingest(describe_path(item.csv), root=inbox)
        [row] = pipeline.ledger.in_state("done")
        assert row.last_error is not None
        assert row.last_error["details"] == {
            "attempts": LASTING_FAILURE_ATTEMPTS,
            "lasting": True,
            "given_up": True,
        }
        assert "given up" in row.last_error["message"]
        assert not offered_again(pipeline, item.csv)
        again = pipeline.ingest(describe_path(item.csv), root=inbox)
        assert again.kind == "already_done"
        assert again.record.last_error == row.last_error, "not tried again"
    assert item.csv.exists() and item.trace.exists() and len(sandbox.store.runs()) == 1


def test_a_quarantine_move_that_fails_for_good_leaves_the_failed_file_where_it_is(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    bad = inbox / "LC1" / "bad.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("Sample ID,RT (min),Area\nSMP-001,abc,1\n", encoding="utf-8")
    (tmp_path / "failed").write_text("not a folder\n", encoding="utf-8")
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcome = pipeline.ingest(describe_path(bad), root=inbox)
        assert outcome.kind == "failed", outcome.message
        [row] = pipeline.ledger.in_state("failed")
        assert row.last_error is not None and "abc" in row.last_error["message"], "the failure is kept"
        assert "given up" in row.last_error["not_quarantined"]
        assert not offered_again(pipeline, bad)
    assert bad.exists()
