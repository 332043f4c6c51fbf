"""The pipeline's state machine over the in-process sandbox: every state saved before the step that
depends on it, resume from each state, the inflight check, and retry versus give-up by error type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.pipeline import Outcome, Pipeline
from ingest.watch import describe_path
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


def export(inbox: Path, index: int = 1, results: int = 12) -> GoodExport:
    return write_export(inbox, index, results=results)


def ingest(pipeline: Pipeline, item: GoodExport, inbox: Path) -> Outcome:
    return pipeline.ingest(describe_path(item.csv), root=inbox)


def assert_ingested_once(sandbox: InProcessSandbox, outcome: Outcome, item: GoodExport) -> None:
    assert outcome.kind == "done", outcome.message
    [run] = sandbox.store.runs()
    assert run["id"] == outcome.record.run_id
    assert len(sandbox.store.results(run["id"])) == item.results
    assert sorted(outcome.record.result_ids) == sorted(r["id"] for r in sandbox.store.results(run["id"]))


def test_a_file_moves_through_every_state_and_is_archived(tmp_path: Path, inbox: Path) -> None:
    item = export(inbox)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcome = ingest(pipeline, item, inbox)
        events = [e["to_state"] for e in pipeline.ledger.events(outcome.record.id)]
        assert_ingested_once(sandbox, outcome, item)
    assert events == ["discovered", "planned", "blobs_uploaded", "run_created", "done"]
    record = outcome.record
    assert record.inflight is None and record.plan is not None
    assert set(record.blob_ids) == {b.key for b in record.plan.blobs}
    assert record.final_path is not None and record.final_path.is_file()
    assert not item.csv.exists() and not item.trace.exists(), "the export and its trace were archived"


@pytest.mark.parametrize(
    ("faults", "state", "inflight"),
    [
        ("POST /blobs: script=502,502", "planned", None),
        ("POST /assay-runs: script=502,502", "blobs_uploaded", "run"),
        ("POST /assay-results: script=502,502", "run_created", "results"),
    ],
)
def test_a_retryable_failure_waits_in_its_state_and_a_restart_resumes_it(
    tmp_path: Path, inbox: Path, faults: str, state: str, inflight: str | None
) -> None:
    item = export(inbox)
    with inprocess_sandbox(faults) as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            waiting = ingest(pipeline, item, inbox)
            assert waiting.kind == "waiting", waiting.message
            assert (waiting.record.state, waiting.record.inflight) == (state, inflight)
            assert waiting.record.attempts == 1
            assert waiting.record.last_error is not None and waiting.record.last_error["retryable"]
            assert pipeline.due() == [], "not due before its retry time"
            assert item.csv.exists(), "a file waiting for Benchling stays where it is"
        sandbox.time.advance(31)
        with inprocess_pipeline(sandbox, tmp_path) as restarted:
            [resumed] = restarted.resume()
        assert_ingested_once(sandbox, resumed, item)
        assert resumed.record.id == waiting.record.id


def test_resume_from_discovered_plans_and_finishes(tmp_path: Path, inbox: Path) -> None:
    item = export(inbox)
    with inprocess_sandbox() as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            admitted = pipeline.admit(describe_path(item.csv), root=inbox)
            assert not isinstance(admitted, Outcome) and admitted.state == "discovered"
        with inprocess_pipeline(sandbox, tmp_path) as restarted:
            [resumed] = restarted.resume()
        assert_ingested_once(sandbox, resumed, item)


def test_prepare_plans_and_sends_nothing(tmp_path: Path, inbox: Path) -> None:
    item = export(inbox)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        admitted = pipeline.admit(describe_path(item.csv), root=inbox)
        assert not isinstance(admitted, Outcome)
        prepared = pipeline.prepare(admitted)
        assert not isinstance(prepared, Outcome) and prepared.state == "planned"
        assert sandbox.requests("POST /blobs") == 0 and sandbox.store.blobs() == []


def test_resume_from_blobs_uploaded_uploads_nothing_again(tmp_path: Path, inbox: Path) -> None:
    item = export(inbox)
    with inprocess_sandbox("POST /assay-runs: script=502,502") as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            waiting = ingest(pipeline, item, inbox)
            assert waiting.record.state == "blobs_uploaded", waiting.message
        uploads = sandbox.requests("POST /blobs")
        sandbox.time.advance(31)
        with inprocess_pipeline(sandbox, tmp_path) as restarted:
            [resumed] = restarted.resume()
        assert_ingested_once(sandbox, resumed, item)
        assert sandbox.requests("POST /blobs") == uploads
        assert len(sandbox.store.blobs()) == uploads


@pytest.mark.parametrize("step", ["run", "results"])
def test_an_inflight_create_that_reached_benchling_is_found_not_sent_again(
    tmp_path: Path, inbox: Path, step: str
) -> None:
    """A kill after the request left but before its state was saved: the row is still marked inflight;
    the restart asks Benchling by the plan's ids and finds the objects there."""
    item = export(inbox)
    endpoint = "POST /assay-runs" if step == "run" else "POST /assay-results"
    with inprocess_sandbox(f"{endpoint}: script=502,502") as sandbox:
        with inprocess_pipeline(sandbox, tmp_path) as pipeline:
            waiting = ingest(pipeline, item, inbox).record
        assert waiting.inflight == step
        plan = waiting.require_plan()
        # What the interrupted request did in Benchling (the 502 script is used up by now).
        if step == "run":
            sandbox.client.create_run(plan.run_body(waiting.blob_ids))
        else:
            sandbox.client.create_results(plan.result_bodies(waiting.blob_ids))
        sent = sandbox.requests(endpoint)
        sandbox.time.advance(31)
        with inprocess_pipeline(sandbox, tmp_path) as restarted:
            [resumed] = restarted.resume()
        assert_ingested_once(sandbox, resumed, item)
        assert sandbox.requests(endpoint) == sent, "found by id, not created again"


def test_a_terminal_error_fails_the_file_and_quarantines_it_with_its_reason(
    tmp_path: Path, inbox: Path
) -> None:
    item = export(inbox)
    item.csv.write_text(item.csv.read_text(encoding="utf-8").replace("SMP-0", "XYZ-9"), encoding="utf-8")
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcome = ingest(pipeline, item, inbox)
        assert outcome.kind == "failed"
        assert outcome.record.state == "failed"
        assert outcome.record.last_error is not None
        assert outcome.record.last_error["stage"] == "resolve"
        assert not outcome.record.last_error["retryable"]
        assert pipeline.due() == []
        assert sandbox.store.runs() == [] and sandbox.store.blobs() == []
    quarantined = tmp_path / "failed" / item.csv.name
    assert outcome.record.final_path == quarantined and quarantined.is_file()
    report = json.loads((tmp_path / "failed" / f"{item.csv.name}.error.json").read_text(encoding="utf-8"))
    assert report["stage"] == "resolve" and "XYZ-9" in report["reason"]


def test_the_same_content_under_another_name_is_a_duplicate_but_attachments_are_not(
    tmp_path: Path, inbox: Path
) -> None:
    item = export(inbox)
    copy = inbox / "copy" / item.csv.name
    copy.parent.mkdir()
    copy.write_bytes(item.csv.read_bytes())
    (copy.parent / item.trace.name).write_bytes(item.trace.read_bytes())
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        first = ingest(pipeline, item, inbox)
        again = pipeline.ingest(describe_path(copy), root=inbox)
        trace_copy = pipeline.ingest(describe_path(copy.parent / item.trace.name), root=inbox)
        assert first.kind == "done"
        assert again.kind == "duplicate" and again.record.duplicate_of == first.record.id
        # A trace no parser reads is never a duplicate, though its bytes equal the first export's trace.
        assert trace_copy.kind != "duplicate"
        assert len(sandbox.store.runs()) == 1


def test_a_file_already_done_is_left_alone_and_a_forced_one_is_ingested_again(
    tmp_path: Path, inbox: Path
) -> None:
    item = export(inbox)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        first = ingest(pipeline, item, inbox)
        again = ingest(pipeline, item, inbox)
        forced = pipeline.ingest(describe_path(item.csv), root=inbox, force=True)
        assert (first.kind, again.kind, forced.kind) == ("done", "already_done", "done")
        assert again.record.id == first.record.id and forced.record.id != first.record.id
        assert len(sandbox.store.runs()) == 2


def test_a_missing_path_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    with (
        inprocess_sandbox() as sandbox,
        inprocess_pipeline(sandbox, tmp_path) as pipeline,
        pytest.raises(IngestError, match="does not exist"),
    ):
        pipeline.ingest_path(tmp_path / "nope.csv")
