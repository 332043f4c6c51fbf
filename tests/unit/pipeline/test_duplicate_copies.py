"""A duplicate export and its trace file that arrive together with the original, before the original is
planned: the duplicate's trace goes to the archive with it, never to quarantine. The in-process
sandbox; no service."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.ledger import FileRecord
from ingest.models import SourceFile
from ingest.watch import describe_path
from tests.support.corpus import write_export
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox


def test_a_duplicates_trace_goes_with_it_when_the_original_was_not_planned_yet(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    original = write_export(inbox / "s1", 1, results=3)
    copy_csv, copy_trace = inbox / "s2" / original.csv.name, inbox / "s2" / original.trace.name
    shutil.copytree(inbox / "s1", inbox / "s2")
    with (
        inprocess_sandbox() as sandbox,
        inprocess_pipeline(sandbox, tmp_path, attachment_grace=30.0) as pipeline,
    ):
        # Both copies found in one scan: the original recorded first, not planned yet.
        first = pipeline.admit(describe_path(original.csv), root=inbox)
        assert isinstance(first, FileRecord) and first.state == "discovered" and first.plan is None
        duplicate = pipeline.ingest(describe_path(copy_csv), root=inbox)
        assert duplicate.kind == "duplicate", duplicate.message
        waiting = pipeline.ingest(describe_path(copy_trace), root=inbox)
        assert waiting.kind == "waiting", waiting.message

        source = describe_path(original.csv)
        assert isinstance(source, SourceFile)
        done = pipeline.advance(pipeline.ledger.get(first.id), source=source)
        assert done.kind == "done", done.message
        assert not copy_trace.exists(), "the duplicate's trace left the drop folder with it"

        sandbox.time.advance(31.0)
        outcomes = pipeline.resume(include_waiting=True)
        assert [o.kind for o in outcomes] == ["attachment"], [o.message for o in outcomes]

    archived = {p.relative_to(tmp_path / "archive").parts[3:] for p in (tmp_path / "archive").rglob("*.csv")}
    assert archived == {
        ("s1", original.csv.name),
        ("s1", original.trace.name),
        ("s2", copy_csv.name),
        ("s2", copy_trace.name),
    }
    assert not (tmp_path / "failed").exists() or list((tmp_path / "failed").rglob("*")) == []
    assert len(sandbox.store.runs()) == 1
