"""What is sent and archived is the version that was hashed: a file that changes after it was read gets no
run (its new content is a new version), a changed attachment makes the file be planned again, and a
file that changes after its run was created is not archived. Changes are made between two requests
through the in-process transport (``after_response``), as a writer appending during an upload would."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import httpx

from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox


def append_row(item: GoodExport) -> None:
    """One more peak of the last injection, as an instrument still writing the file would add it."""
    rows = list(csv.reader(io.StringIO(item.csv.read_text(encoding="utf-8"))))
    last = rows[-1]
    peak = str(int(last[7]) + 1)
    extra = [*last[:7], peak, f"late peak {peak}", "9.9", *last[10:]]
    with item.csv.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerow(extra)


class Once:
    """Calls ``action`` after the first response to a request matching ``method path`` (and ``name`` in
    the body, when given)."""

    def __init__(self, method: str, path: str, action: Callable[[], None], name: str | None = None) -> None:
        self.method, self.path, self.action, self.name = method, path, action, name
        self.done = False

    def __call__(self, request: httpx.Request) -> None:
        if self.done or request.method != self.method or not request.url.path.endswith(self.path):
            return
        if self.name is not None and self.name.encode() not in request.content:
            return
        self.done = True
        self.action()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_shas(sandbox: InProcessSandbox) -> list[str]:
    return [str(r["fields"]["file_sha256"]["value"]) for r in sandbox.store.runs()]


def test_an_export_changed_before_it_was_read_gets_nothing_uploaded(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        source = describe_path(item.csv)  # what the watcher hashed
        append_row(item)
        outcome = pipeline.ingest(source, root=item.csv.parent)
        assert (outcome.kind, outcome.record.state) == ("waiting", "changed"), outcome.message
        assert sandbox.store.blobs() == [] and sandbox.store.runs() == []
        assert item.csv.exists(), "the changed file stays for its new version"


def test_an_export_appended_to_during_the_upload_gets_no_run_and_its_new_version_does(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    append = Once("POST", "/blobs", lambda: append_row(item), name=item.csv.name)
    with (
        inprocess_sandbox(after_response=append) as sandbox,
        inprocess_pipeline(sandbox, tmp_path) as pipeline,
    ):
        first = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
        assert append.done and (first.kind, first.record.state) == ("waiting", "changed"), first.message
        assert sandbox.store.runs() == [], "no run for content that was not what was hashed"
        final = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)  # the watcher's next version
        assert final.kind == "done", final.message
        assert final.record.previous_version == first.record.id
        archived = final.record.final_path
    assert run_shas(sandbox) == [final.record.sha256]
    assert archived is not None and sha256_of(archived) == final.record.sha256
    assert len(sandbox.store.results(final.record.run_id)) == item.results + 1


def test_an_export_changed_after_its_run_was_created_is_not_archived(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    append = Once("POST", "/assay-runs", lambda: append_row(item))
    with (
        inprocess_sandbox(after_response=append) as sandbox,
        inprocess_pipeline(sandbox, tmp_path) as pipeline,
    ):
        first = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
        assert first.kind == "done", first.message
        assert first.record.final_path is None and item.csv.exists(), "the changed file is not archived"
        assert first.record.last_error is not None and first.record.last_error["stage"] == "archive"
        assert "changed" in first.record.last_error["message"]
        second = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
        assert second.kind == "done", second.message
        archived = second.record.final_path
    assert sorted(run_shas(sandbox)) == sorted([first.record.sha256, second.record.sha256])
    assert archived is not None and sha256_of(archived) == second.record.sha256


def test_a_finished_file_changed_before_an_interrupted_move_is_not_archived_on_restart(
    tmp_path: Path,
) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
            # Done, but killed before its move: the row keeps its root and has no final path.
            record = pipeline.ingest(describe_path(item.csv), root=item.csv.parent).record
            assert record.state == "done" and record.final_path is None and record.root is not None
        append_row(item)
        with inprocess_pipeline(sandbox, tmp_path) as restarted:
            assert restarted.finish_filing() == 0
            kept = restarted.ledger.get(record.id)
    assert item.csv.exists() and kept.final_path is None
    assert kept.last_error is not None and kept.last_error["stage"] == "archive"


def test_an_attachment_changed_during_the_upload_is_planned_again_once_it_settles(tmp_path: Path) -> None:
    item = write_export(tmp_path / "inbox", 1, results=5)
    new_trace = "time_min,signal\n0.0,1.0\n0.5,2.0\n"
    change = Once("POST", "/blobs", lambda: item.trace.write_text(new_trace, encoding="utf-8"))
    with inprocess_sandbox(after_response=change) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            first = pipeline.ingest(describe_path(item.csv), root=item.csv.parent)
            assert change.done and first.kind == "waiting", first.message
            assert (first.record.state, first.record.next_attempt_at is not None) == ("discovered", True)
            assert sandbox.store.runs() == []
            sandbox.time.advance(60)
            [done] = pipeline.resume()
        assert done.kind == "done" and done.record.id == first.record.id, done.message
        trace_blob = done.record.blob_ids[next(k for k in done.record.blob_ids if k.startswith("trace_file"))]
        stored = sandbox.app.state.sandbox.blobs.read(trace_blob)
        assert stored == new_trace.encode()
        assert len(sandbox.store.runs()) == 1
