from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.contract import STRING
from ingest.errors import AttachmentError, EntitiesNotFoundError, ResolveError
from ingest.models import BlobRef, ParsedFile, PlannedObject, Provenance, RunPlan, Trace
from ingest.resolve.identity import Identity, result_id_for, run_id_for
from ingest.resolve.mapping_check import check_all
from ingest.resolve.mapping_file import SchemaMap, load_schema_map
from ingest.resolve.resolver import resolve
from ingest.resolve.tenant import CachedEntities
from parsers import results_frame
from tests.support.paths import REPO
from tests.support.tenant_fakes import FakeEntities, FakeTenant


def schema_map_from(text: str, tmp_path: Path) -> SchemaMap:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema_map(path)


def lc_parsed(export: Path, samples: list[str], *, traces: bool = False) -> ParsedFile:
    rows = [
        {
            "sample_id": s,
            "sample_name": f"name {s}",
            "signal": "DAD1 A",
            "peak_number": i + 1,
            "peak_name": f"peak{i + 1}",
            "retention_time_min": 1.5 + i,
            "area": 100.0 * (i + 1),
            "area_unit": "mAU*s",
            "height": 10.0,
            "area_percent": 50.0,
            "chromatogram": "trace.csv",
        }
        for i, s in enumerate(samples)
    ]
    frame = results_frame(rows, extra=["chromatogram"])
    trace_list: tuple[Trace, ...] = ()
    if traces:
        import pandas as pd

        trace_list = (Trace("DAD1 A", pd.DataFrame({"time_min": [0.0, 1.0], "signal": [0.0, 2.0]})),)
    return ParsedFile(
        metadata={"instrument": "HPLC-1", "method": "caffeine.M", "injection_time": "2026-11-02T10:15:00"},
        results=frame,
        provenance=Provenance(parser="lc_results_csv", parser_version="1.0", source=export),
        traces=trace_list,
    )


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "run42.csv"
    path.write_text("content", encoding="utf-8")
    (tmp_path / "trace.csv").write_text("time_min,signal\n0,0\n", encoding="utf-8")
    return path


IDENTITY = Identity("tenant.example.com")
RUN_ID = run_id_for("tenant.example.com", "assaysch_chromrun01", "abc", 0)


def test_demo_map_fits_demo_tenant() -> None:
    schema_map = load_schema_map(REPO / "schemas_map.yaml")
    assert check_all(schema_map, FakeTenant()) == []


def test_full_lc_plan_has_exact_bodies(export: Path) -> None:
    schema_map = load_schema_map(REPO / "schemas_map.yaml")
    entities = FakeEntities()
    plan = resolve(
        lc_parsed(export, ["SMP-001", "SMP-002"], traces=True),
        source=export,
        sha256="abc",
        identity=IDENTITY,
        schema_map=schema_map,
        tenant=FakeTenant(),
        entities=entities,
        render_png=lambda traces, peaks, title: b"PNG:" + title.encode(),
    )
    assert plan.run == PlannedObject(
        id=RUN_ID,
        schema_id="assaysch_chromrun01",
        project_id="src_lcproj01",
        fields={
            "instrument": "HPLC-1",
            "method": "caffeine.M",
            "injection_time": "2026-11-02T10:15:00+01:00",
            "parser": "lc_results_csv 1.0",
            "file_sha256": "abc",
            "run_status": "sfso_complete",
            "source_file": BlobRef("export"),
            "chromatogram": BlobRef("chromatogram_png"),
        },
    )
    assert plan.results[1] == PlannedObject(
        id=result_id_for(RUN_ID, 1),
        schema_id="assaysch_chromres01",
        project_id="src_lcproj01",
        fields={
            "run": RUN_ID,
            "sample": "bfi_smp002",
            "signal": "DAD1 A",
            "peak_number": 2,
            "peak_name": "peak2",
            "retention_time_min": 2.5,
            "area": 200.0,
            "area_unit": "mAU*s",
            "height": 10.0,
            "area_percent": 50.0,
            "injection_date": "2026-11-02",
            "chromatogram": BlobRef("trace_file#1"),
            "review": "sfso_pending",
        },
    )
    assert entities.calls == [["SMP-001", "SMP-002"]]
    blobs = {b.key: b for b in plan.blobs}
    assert set(blobs) == {"export", "trace_file#1", "chromatogram_png"}
    assert blobs["chromatogram_png"].content == b"PNG:run42"
    assert blobs["chromatogram_png"].blob_type == "VISUALIZATION"
    assert blobs["trace_file#1"].path == export.parent / "trace.csv"


def test_unknown_samples_listed_at_once(export: Path) -> None:
    schema_map = load_schema_map(REPO / "schemas_map.yaml")
    with pytest.raises(EntitiesNotFoundError) as info:
        resolve(
            lc_parsed(export, ["SMP-001", "NOPE-2", "NOPE-1", "NOPE-2"]),
            source=export,
            sha256="abc",
            identity=IDENTITY,
            schema_map=schema_map,
            tenant=FakeTenant(),
            entities=FakeEntities(),
        )
    assert info.value.missing == ["NOPE-1", "NOPE-2"]
    assert "NOPE-1, NOPE-2" in str(info.value)
    assert str(export) in str(info.value)


def test_unknown_samples_skipped_when_configured(export: Path, tmp_path: Path) -> None:
    text = (
        (REPO / "schemas_map.yaml")
        .read_text(encoding="utf-8")
        .replace("column: sample_id, unknown: fail", "column: sample_id, unknown: skip")
    )
    plan = resolve(
        lc_parsed(export, ["SMP-001", "NOPE-1", "SMP-003"]),
        source=export,
        sha256="abc",
        identity=IDENTITY,
        schema_map=schema_map_from(text, tmp_path),
        tenant=FakeTenant(),
        entities=FakeEntities(),
    )
    assert [r.fields["sample"] for r in plan.results] == ["bfi_smp001", "bfi_smp003"]
    assert plan.skipped_rows == (2,)
    assert "NOPE-1" in plan.run.fields["notes"]
    assert any("NOPE-1" in w for w in plan.warnings)


def test_entity_cache_asks_only_for_new_ids(export: Path) -> None:
    schema_map = load_schema_map(REPO / "schemas_map.yaml")
    source = FakeEntities()
    cached = CachedEntities(source)
    for samples in (["SMP-001", "SMP-002"], ["SMP-002", "SMP-003"]):
        resolve(
            lc_parsed(export, samples),
            source=export,
            sha256="x",
            identity=IDENTITY,
            schema_map=schema_map,
            tenant=FakeTenant(),
            entities=cached,
        )
    assert source.calls == [["SMP-001", "SMP-002"], ["SMP-003"]]


BROKEN_MAP = """
version: 1
defaults: {project: LC Method Development, registry: Samples}
mappings:
  - parser: lc_results_csv
    run:
      schema: Chromatography Run
      fields:
        method: {metadata: method}
        no_such_field: {metadata: method}
        run_status: {value: Finished}
        injection_volume_ul: {template: "{method}"}
    results:
      schema: Chromatography Run
      run_link: run
  - parser: other
    run:
      schema: Chromatography Result
    results:
      schema: Chromatography Result
      run_link: sample
      sample: {field: peak_name, column: sample_id}
      fields:
        area: {column: peak_name}
        peak_number: {value: 2.5}
        chromatogram: {blob: missing_blob}
"""


def test_every_mapping_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = check_all(schema_map_from(BROKEN_MAP, tmp_path), FakeTenant())
    text = "\n".join(problems)
    expected = [
        "field 'no_such_field' is not in schema 'Chromatography Run'",
        "'Finished' is not an option of the dropdown",
        "a template gives text, expected a text field",
        "required field 'instrument' of schema 'Chromatography Run' is not mapped",
        "'Chromatography Run' is not a result schema",
        "'Chromatography Result' is not a run schema",
        "run_link 'sample' must be an assay_run_link field",
        "sample field 'peak_name' must be an entity link field",
        "field 'area' is float but column 'peak_name' holds text",
        "expected a whole number, got 2.5",
        "takes blob 'missing_blob', which is not defined under 'blobs'",
        "required field 'retention_time_min' of schema 'Chromatography Result' is not mapped",
    ]
    for fragment in expected:
        assert fragment in text, f"missing problem: {fragment}\n{text}"


def test_resolve_raises_all_mapping_problems(export: Path, tmp_path: Path) -> None:
    with pytest.raises(ResolveError) as info:
        resolve(
            lc_parsed(export, ["SMP-001"]),
            source=export,
            sha256="x",
            identity=IDENTITY,
            schema_map=schema_map_from(BROKEN_MAP, tmp_path),
            tenant=FakeTenant(),
            entities=FakeEntities(),
        )
    assert len(info.value.problems) >= 4


def test_row_value_problems_name_row_and_field(export: Path, tmp_path: Path) -> None:
    text = (
        (REPO / "schemas_map.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "peak_name: {column: peak_name}",
            "peak_name: {column: peak_name}\n        peak_details: {column: bad_json}",
        )
    )
    parsed = lc_parsed(export, ["SMP-001"])
    frame = parsed.results.copy()
    frame["bad_json"] = frame["sample_id"].astype(STRING).str.replace("SMP", "{not json")
    parsed = ParsedFile(metadata=parsed.metadata, results=frame, provenance=parsed.provenance)
    with pytest.raises(ResolveError) as info:
        resolve(
            parsed,
            source=export,
            sha256="x",
            identity=IDENTITY,
            schema_map=schema_map_from(text, tmp_path),
            tenant=FakeTenant(),
            entities=FakeEntities(),
        )
    assert "row 1 field 'peak_details' (json): expected JSON text" in str(info.value)


def test_trace_only_file_gives_run_without_results(export: Path) -> None:
    parsed = lc_parsed(export, [], traces=True)
    plan = resolve(
        parsed,
        source=export,
        sha256="x",
        identity=IDENTITY,
        schema_map=load_schema_map(REPO / "schemas_map.yaml"),
        tenant=FakeTenant(),
        entities=FakeEntities(),
        render_png=lambda traces, peaks, title: b"png",
    )
    assert plan.results == ()
    assert plan.run.fields["chromatogram"] == BlobRef("chromatogram_png")


@pytest.mark.parametrize(
    "name, message",
    [
        ("../secret.csv", "contains '..'"),
        ("/etc/passwd", "is an absolute path"),
        ("C:\\Windows\\win.ini", "is an absolute path"),
        ("sub\\..\\..\\x.csv", "contains '..'"),
    ],
)
def test_attachment_paths_may_not_leave_the_folder(export: Path, name: str, message: str) -> None:
    parsed = lc_parsed(export, ["SMP-001"])
    frame = parsed.results.copy()
    frame["chromatogram"] = frame["chromatogram"].str.replace("trace.csv", name, regex=False)
    parsed = ParsedFile(metadata=parsed.metadata, results=frame, provenance=parsed.provenance)
    with pytest.raises(ResolveError) as info:
        resolve(
            parsed,
            source=export,
            sha256="x",
            identity=IDENTITY,
            schema_map=load_schema_map(REPO / "schemas_map.yaml"),
            tenant=FakeTenant(),
            entities=FakeEntities(),
        )
    assert message in str(info.value)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_out_of_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("x", encoding="utf-8")
    folder = tmp_path / "drop"
    folder.mkdir()
    export = folder / "run.csv"
    export.write_text("x", encoding="utf-8")
    try:
        (folder / "trace.csv").symlink_to(outside / "secret.csv")
    except OSError:
        pytest.skip("symlinks not permitted here")
    from ingest.resolve.attachments import resolve_attachment

    with pytest.raises(AttachmentError, match="outside the export's folder"):
        resolve_attachment(export, "trace.csv", what="Chromatogram")


# -- derived ids ---------------------------------------------------------------------------------


def plan_of(
    export: Path, samples: list[str], *, generation: int = 0, map_text: str | None = None, tmp: Path
) -> RunPlan:
    schema_map = schema_map_from(map_text, tmp) if map_text else load_schema_map(REPO / "schemas_map.yaml")
    return resolve(
        lc_parsed(export, samples),
        source=export,
        sha256="ab" * 32,
        identity=Identity("tenant.benchling.com", generation),
        schema_map=schema_map,
        tenant=FakeTenant(),
        entities=FakeEntities(),
    )


def test_the_same_file_plans_the_same_ids_and_a_generation_other_ones(export: Path, tmp_path: Path) -> None:
    first = plan_of(export, ["SMP-001", "SMP-002"], tmp=tmp_path)
    again = plan_of(export, ["SMP-001", "SMP-002"], tmp=tmp_path)
    forced = plan_of(export, ["SMP-001", "SMP-002"], generation=1, tmp=tmp_path)
    assert (first.run_id, first.result_ids) == (again.run_id, again.result_ids)
    assert first.run_id == run_id_for("tenant.benchling.com", "assaysch_chromrun01", "ab" * 32, 0)
    assert first.result_ids == [result_id_for(first.run_id, 0), result_id_for(first.run_id, 1)]
    assert all(r.fields["run"] == first.run_id for r in first.results)
    assert forced.run_id != first.run_id and not set(forced.result_ids) & set(first.result_ids)


def test_a_skipped_row_keeps_the_numbers_of_the_rows_after_it(export: Path, tmp_path: Path) -> None:
    """A sample registered later makes a re-ingestion complete the run with exactly the missing result."""
    skip = (
        (REPO / "schemas_map.yaml")
        .read_text(encoding="utf-8")
        .replace("column: sample_id, unknown: fail", "column: sample_id, unknown: skip")
    )
    partial = plan_of(export, ["SMP-001", "NOPE-1", "SMP-003"], map_text=skip, tmp=tmp_path)
    whole = plan_of(export, ["SMP-001", "SMP-002", "SMP-003"], map_text=skip, tmp=tmp_path)
    assert partial.run_id == whole.run_id
    assert partial.result_ids == [whole.result_ids[0], whole.result_ids[2]]
