"""A file taken away between planning and its upload (moved by a person, or archived by a second ``watch``
with another ledger on the same folder, which the instance lock cannot see): the attempt ends as a
change, nothing is created, and the row is not failed with an internal ``FileNotFoundError``.

Found by ``test_two_watch_on_one_folder_with_different_ledgers_make_one_run_per_file_and_lose_nothing``:
the loser of each race had its row quarantined as "failed (internal)", and the sweep for interrupted
moves warned about it every 30 s for ever.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability.harness import open_test_pipeline

from ingest.filing import FilingOptions
from ingest.ledger import FileRecord
from ingest.sandbox import SandboxServer
from ingest.watch import describe_path
from tests.support.corpus import write_export


@pytest.mark.parametrize("gone", ["export", "trace"])
def test_a_file_gone_before_its_upload_is_a_change_not_a_failure(
    tmp_path: Path, map_without_png: Path, sandbox: SandboxServer, gone: str
) -> None:
    inbox = tmp_path / "inbox"
    export = write_export(inbox, 1, seed=3)
    with open_test_pipeline(sandbox, tmp_path / "state", map_without_png) as pipeline:
        source = describe_path(export.csv)
        admitted = pipeline.admit(source, root=inbox)
        assert isinstance(admitted, FileRecord)
        prepared = pipeline.prepare(admitted, source=source)
        assert isinstance(prepared, FileRecord) and prepared.state == "planned"
        (export.csv if gone == "export" else export.trace).unlink()

        outcome = pipeline.advance(prepared, source=source)

        row = pipeline.ledger.get(prepared.id)
        assert outcome.kind == "waiting", outcome.message
        assert row.state != "failed", row.last_error
        assert "changed" in outcome.message or "changed" in str(row.last_error), outcome.message
    assert sandbox.store.runs() == [], "a run was created for a file that went away before its upload"


def test_an_interrupted_archive_move_is_completed_with_the_attachments_it_uploaded(
    tmp_path: Path, map_without_png: Path, sandbox: SandboxServer
) -> None:
    """A kill between saving ``done`` and the archive move: the restart moves the export *and* the trace
    file it uploaded, as the uninterrupted move does (before, the trace stayed in the drop folder for
    good: its export gone, nothing else names it)."""
    inbox = tmp_path / "inbox"
    export = write_export(inbox, 2, seed=3)
    archive = tmp_path / "archive"
    # The state the kill leaves: the row done, nothing moved.
    with open_test_pipeline(sandbox, tmp_path / "state", map_without_png) as pipeline:
        outcome = pipeline.ingest(describe_path(export.csv), root=inbox)
        assert outcome.kind == "done", outcome.message
    assert export.csv.exists() and export.trace.exists()

    filing = FilingOptions(archive_dir=archive)
    with open_test_pipeline(sandbox, tmp_path / "state", map_without_png, filing=filing) as pipeline:
        assert pipeline.finish_filing() == 1

    assert sorted(p.name for p in inbox.iterdir()) == [], "the drop folder still holds files"
    assert sorted(p.name for p in archive.rglob("*") if p.is_file()) == [export.csv.name, export.trace.name]
    assert len(sandbox.store.runs()) == 1
