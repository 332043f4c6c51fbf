"""Errors no file is to blame for leave the file in place and its row pending (a ``paused`` outcome), at
whatever step they strike; a mapping fixed while paused is taken without a restart, unless it changes
what only a restart applies. The in-process sandbox; no service."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.pipeline import Pipeline
from ingest.resolve import load_schema_map
from ingest.watch import describe_path
from parsers import discover_parsers
from tests.support.corpus import GoodExport, write_export
from tests.support.inprocess_pipeline import InProcessSandbox, inprocess_pipeline, inprocess_sandbox
from tests.support.paths import SCHEMAS_MAP


def refuse_the_key(sandbox: InProcessSandbox) -> None:
    sandbox.app.state.sandbox.set_api_keys(("some-other-key",))


def accept_the_key(sandbox: InProcessSandbox) -> None:
    sandbox.app.state.sandbox.set_api_keys(("sandbox-api-key",))


def assert_left_in_place(pipeline: Pipeline, item: GoodExport, work: Path, state: str) -> None:
    [row] = pipeline.ledger.in_state(state)  # type: ignore[arg-type]
    assert pipeline.ledger.in_state("failed") == []
    assert item.csv.exists() and item.trace.exists()
    assert not (work / "failed").exists()
    assert row.last_error is not None and row.last_error["pauses_ingestion"] is True
    assert [r.id for r in pipeline.ledger.claim_due()] == [row.id], "due again at once"
    pipeline.ledger.release(row.id)


def test_a_refused_key_while_planning_leaves_the_file_and_its_row_discovered(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    item = write_export(inbox, 1, results=4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        refuse_the_key(sandbox)
        outcome = pipeline.ingest(describe_path(item.csv), root=inbox)
        assert outcome.kind == "paused", outcome.message
        assert "refused the credentials" in outcome.message
        assert_left_in_place(pipeline, item, tmp_path, "discovered")
        assert outcome.record.attempts == 0, "a pause is not an attempt"

        accept_the_key(sandbox)
        [done] = pipeline.resume()
    assert done.kind == "done", done.message
    assert len(sandbox.store.runs()) == 1 and not item.csv.exists()


def test_a_refused_key_after_the_plan_leaves_the_row_in_its_state(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    item = write_export(inbox, 1, results=4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        admitted = pipeline.admit(describe_path(item.csv), root=inbox)
        planned = pipeline.prepare(admitted)  # type: ignore[arg-type]
        refuse_the_key(sandbox)
        outcome = pipeline.advance(planned)  # type: ignore[arg-type]
        assert outcome.kind == "paused", outcome.message
        assert_left_in_place(pipeline, item, tmp_path, "planned")
        accept_the_key(sandbox)
        [done] = pipeline.resume()
    assert done.kind == "done", done.message
    assert len(sandbox.store.runs()) == 1


def test_a_mapping_that_does_not_fit_pauses_and_the_fixed_one_is_taken_without_a_restart(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    item = write_export(inbox, 1, results=4)
    good = SCHEMAS_MAP.read_text(encoding="utf-8")
    misfit = tmp_path / "misfit.yaml"
    misfit.write_text(
        good.replace("schema: Chromatography Run", "schema: Chromatography Rnu", 1), encoding="utf-8"
    )
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, schema_map=misfit) as pipeline:
        outcome = pipeline.ingest(describe_path(item.csv), root=inbox)
        assert outcome.kind == "paused" and "does not fit the tenant" in outcome.message
        assert_left_in_place(pipeline, item, tmp_path, "discovered")

        registry = discover_parsers()
        pipeline.use_mapping(load_schema_map(SCHEMAS_MAP, known_parsers=registry.names))
        [done] = pipeline.resume()
    assert done.kind == "done", done.message


def test_a_mapping_changing_what_applies_only_at_start_is_refused(tmp_path: Path) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        SCHEMAS_MAP.read_text(encoding="utf-8").replace("  ids: kept", "  ids: server_assigned", 1),
        encoding="utf-8",
    )
    registry = discover_parsers()
    with (
        inprocess_sandbox() as sandbox,
        inprocess_pipeline(sandbox, tmp_path) as pipeline,
        pytest.raises(ConfigError, match=r"tenant\.ids.*restart"),
    ):
        pipeline.use_mapping(load_schema_map(changed, known_parsers=registry.names))


@pytest.mark.parametrize("hint", ["encoding: cp932", "date_order: day_first", "decimal: comma"])
def test_a_mapping_changing_a_reading_hint_is_refused_until_a_restart(tmp_path: Path, hint: str) -> None:
    """The parsers got their hints at start: every hint counts, the ones added later included."""
    changed = tmp_path / "changed.yaml"
    changed.write_text(f"{hint}\n" + SCHEMAS_MAP.read_text(encoding="utf-8"), encoding="utf-8")
    registry = discover_parsers()
    with (
        inprocess_sandbox() as sandbox,
        inprocess_pipeline(sandbox, tmp_path) as pipeline,
        pytest.raises(ConfigError, match=r"reading hints.*restart"),
    ):
        pipeline.use_mapping(load_schema_map(changed, known_parsers=registry.names))
