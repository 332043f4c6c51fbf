"""Ledger rows of files that are another export's attachments, in every order they can arrive."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path

import pytest
from integration.pipeline.conftest import MakePipeline

from ingest.models import SourceFile
from ingest.pipeline import log_outcome
from ingest.sandbox import SandboxServer
from ingest.watch import describe_path

EXPORT = "2026-11-02_caffeine_std.csv"
TRACE = "2026-11-02_caffeine_std_trace.csv"


def test_trace_seen_after_its_export_was_archived_is_an_attachment(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    pipeline = make_pipeline(attachment_grace=60)
    trace: SourceFile = describe_path(inbox / "lc" / TRACE)  # listed by the watcher before the move
    assert pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    assert not trace.path.exists()
    outcome = pipeline.ingest(trace, root=inbox)
    assert outcome.kind == "attachment"
    assert outcome.record.state == "attachment"


def test_trace_waits_for_its_export_then_is_an_attachment(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    pipeline = make_pipeline(attachment_grace=60)
    first = pipeline.ingest(describe_path(inbox / "lc" / TRACE), root=inbox)
    assert first.kind == "waiting" and "Waiting 60 s" in first.message
    assert first.routine, "a trace file waiting for its export is no warning"
    assert pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    assert pipeline.ledger.get(first.record.id).state == "attachment"


def test_a_routine_wait_is_logged_at_info_and_another_wait_as_a_warning(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = make_pipeline(attachment_grace=60)
    waiting = pipeline.ingest(describe_path(inbox / "lc" / TRACE), root=inbox)
    with caplog.at_level(logging.INFO, logger="ingest.outcome"):
        log_outcome(waiting)
        log_outcome(dataclasses.replace(waiting, routine=False))
    assert [r.levelno for r in caplog.records if r.name == "ingest.outcome"] == [
        logging.INFO,
        logging.WARNING,
    ]


def test_export_waits_for_a_trace_that_is_still_arriving(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    pipeline = make_pipeline(attachment_grace=60)
    trace = inbox / "lc" / TRACE
    held = tmp_path / TRACE
    trace.rename(held)
    waiting = pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox)
    assert waiting.kind == "waiting" and "does not exist" in waiting.message
    assert sandbox.store.runs() == []
    held.rename(trace)
    [done] = pipeline.resume(include_waiting=True)
    assert done.kind == "done", done.message
    assert len(sandbox.store.runs()) == 1


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_attachment_of_a_failed_export_is_quarantined_with_that_reason(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    clock = Clock()
    pipeline = make_pipeline(attachment_grace=60, clock=clock)
    export = inbox / "lc" / EXPORT
    export.write_text(export.read_text(encoding="utf-8").replace("SMP-001", "SMP-999"), encoding="utf-8")
    trace = pipeline.ingest(describe_path(inbox / "lc" / TRACE), root=inbox)
    assert trace.kind == "waiting"
    # a failed export has no plan, so nothing names the trace: it is quarantined when its grace ends
    assert pipeline.ingest(describe_path(export), root=inbox).kind == "failed"
    clock.now += 61
    [outcome] = pipeline.resume(include_waiting=True)
    assert outcome.kind == "failed"
    report = json.loads((tmp_path / "failed" / "lc" / f"{TRACE}.error.json").read_text(encoding="utf-8"))
    assert "No parser reads" in report["reason"]
    assert sandbox.store.runs() == []


def test_a_restart_after_the_grace_gives_the_export_lying_in_the_folder_a_full_grace(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    # The trace arrived and waited; the service stopped; the export arrived while it was down for longer
    # than the grace. After the restart the waiting trace must not give up before the export is planned.
    clock = Clock()
    before = make_pipeline(attachment_grace=60, clock=clock)
    assert before.ingest(describe_path(inbox / "lc" / TRACE), root=inbox).kind == "waiting"
    clock.now += 600  # down for ten minutes
    after = make_pipeline(attachment_grace=60, clock=clock)
    [trace] = after.resume(include_waiting=True)  # resumed before the first scan plans the export
    assert trace.kind == "waiting", trace.message
    assert trace.record.next_attempt_at == clock.now + 60
    assert after.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    assert after.ledger.get(trace.record.id).state == "attachment"
    assert len(sandbox.store.runs()) == 1
    clock.now += 61
    assert after.resume(include_waiting=True) == []


def test_a_duplicate_export_takes_its_copy_of_the_trace_file_to_the_archive_with_it(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    # The same export and its trace file copied into a second folder: the copy is a duplicate, and its
    # trace file must go to the archive with it (before, it was quarantined: "No parser reads ...").
    copy_folder = inbox / "copy"
    copy_folder.mkdir()
    for name in (EXPORT, TRACE):
        (copy_folder / name).write_bytes((inbox / "lc" / name).read_bytes())
    pipeline = make_pipeline(attachment_grace=60)
    assert pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    trace = pipeline.ingest(describe_path(copy_folder / TRACE), root=inbox)  # seen before its export
    assert trace.kind == "waiting"
    duplicate = pipeline.ingest(describe_path(copy_folder / EXPORT), root=inbox)
    assert duplicate.kind == "duplicate"
    assert not (copy_folder / TRACE).exists(), "the copy's trace file went with it"
    assert sorted(p.name for p in (tmp_path / "archive").rglob("*.csv")) == sorted(
        [EXPORT, EXPORT, TRACE, TRACE]
    )
    [settled] = pipeline.resume(include_waiting=True)
    assert settled.kind == "attachment", settled.message
    assert pipeline.ledger.get(trace.record.id).state == "attachment"
    failed = tmp_path / "failed"
    assert not failed.exists() or not list(failed.rglob("*")), "nothing quarantined"
    assert len(sandbox.store.runs()) == 1


def test_a_duplicate_export_leaves_a_trace_file_with_other_content_alone(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    copy_folder = inbox / "copy"
    copy_folder.mkdir()
    (copy_folder / EXPORT).write_bytes((inbox / "lc" / EXPORT).read_bytes())
    (copy_folder / TRACE).write_text("time,signal\n0.0,1.0\n", encoding="utf-8")  # not the original's trace
    pipeline = make_pipeline(attachment_grace=60)
    assert pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    assert pipeline.ingest(describe_path(copy_folder / EXPORT), root=inbox).kind == "duplicate"
    assert (copy_folder / TRACE).exists(), "a file whose content Benchling does not hold is not archived"


def test_a_waiting_trace_rewritten_before_its_export_came_is_given_up_as_changed(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    """The old version's row must not end as an attachment (that content was never uploaded) nor stay a
    "No parser reads" failure: the new version is a row of its own."""
    pipeline = make_pipeline(attachment_grace=60)
    trace = inbox / "lc" / TRACE
    first = pipeline.ingest(describe_path(trace), root=inbox)
    assert first.kind == "waiting"
    trace.write_text(trace.read_text(encoding="utf-8") + "0.5,0.1\n", encoding="utf-8")
    stat = trace.stat()
    os.utime(trace, ns=(stat.st_atime_ns, first.record.mtime_ns + 1_000_000_000))
    again = pipeline.advance(pipeline.ledger.get(first.record.id))
    assert again.record.state == "changed" and again.routine
    assert pipeline.ingest(describe_path(inbox / "lc" / EXPORT), root=inbox).kind == "done"
    assert pipeline.ledger.get(first.record.id).state == "changed"
