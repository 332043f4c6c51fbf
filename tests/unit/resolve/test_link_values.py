"""storage_link and entry_link values: barcodes, names, display ids or ids → ids, one batched lookup per file,
every bad value reported at once (or skipped), checked by mapping_check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ResolveError
from ingest.models import ParsedFile, Provenance, ResolvedLink
from ingest.resolve.identity import Identity
from ingest.resolve.mapping_check import check_all
from ingest.resolve.mapping_file import SchemaMap, load_schema_map
from ingest.resolve.resolver import resolve
from ingest.resolve.tenant import FieldDef, LinkTarget, SchemaDef
from parsers import results_frame
from tests.support.tenant_fakes import FakeEntities, FakeTenant

PLATE_MAP = """
version: 1
timezone: Europe/Berlin
defaults: {{project: LC Method Development}}
mappings:
  - parser: plate_reader_test
    run:
      schema: Plate Reader Run
      fields:
        instrument: {{metadata: instrument}}
        plate: {plate}
        experiment: {experiment}
    results:
      schema: Plate Reader Result
      run_link: run
      fields:
        well: {{column: well}}
        absorbance: {{column: absorbance}}
"""

IDENTITY = Identity("tenant.example.com")


def plate_map(
    tmp_path: Path, plate: str = "{metadata: plate}", experiment: str = "{metadata: experiment}"
) -> SchemaMap:
    path = tmp_path / "map.yaml"
    path.write_text(PLATE_MAP.format(plate=plate, experiment=experiment), encoding="utf-8")
    return load_schema_map(path)


def plate_file(tmp_path: Path, **metadata: Any) -> ParsedFile:
    rows = [{"well": w, "absorbance": 0.1 * i} for i, w in enumerate(["A1", "A2", "A3"], start=1)]
    return ParsedFile(
        metadata={"instrument": "Reader-1", **metadata},
        results=results_frame(rows, extra=["well", "absorbance"]),
        provenance=Provenance("plate_reader_test", "1.0", tmp_path / "read.csv"),
    )


def plan_for(tmp_path: Path, schema_map: SchemaMap, parsed: ParsedFile, entities: Any = None) -> Any:
    return resolve(
        parsed,
        source=tmp_path / "read.csv",
        sha256="x",
        schema_map=schema_map,
        tenant=FakeTenant(),
        entities=entities or FakeEntities(),
        identity=IDENTITY,
    )


@pytest.mark.parametrize(
    ("plate", "experiment"),
    [
        ("PLT-0001", "EXP23-001"),  # barcode, display id
        ("Assay Plate 1", "EXP23-001"),  # name
        ("plt_assay01", "etr_exp23001"),  # ids
    ],
)
def test_barcodes_names_display_ids_and_ids_become_ids(tmp_path: Path, plate: str, experiment: str) -> None:
    plan = plan_for(tmp_path, plate_map(tmp_path), plate_file(tmp_path, plate=plate, experiment=experiment))
    assert plan.run.fields["plate"] == "plt_assay01"
    assert plan.run.fields["experiment"] == "etr_exp23001"
    assert ResolvedLink("plate", plate, "plt_assay01", "plate 'Assay Plate 1' (PLT-0001)") in plan.links
    assert (
        ResolvedLink(
            "experiment", experiment, "etr_exp23001", "entry 'Caffeine method development' (EXP23-001)"
        )
        in plan.links
    )


def test_a_field_whose_schema_is_a_plate_schema_looks_up_plates_only(tmp_path: Path) -> None:
    entities = FakeEntities()
    plan_for(
        tmp_path,
        plate_map(tmp_path),
        plate_file(tmp_path, plate="PLT-0002", experiment="EXP23-002"),
        entities,
    )
    assert entities.link_calls == [
        ("storage_by_barcodes", ["PLT-0002"]),
        ("entries_by_display_ids", ["EXP23-002"]),
    ]


def test_every_unknown_value_is_listed_at_once(tmp_path: Path) -> None:
    with pytest.raises(ResolveError) as caught:
        plan_for(
            tmp_path, plate_map(tmp_path), plate_file(tmp_path, plate="PLT-9999", experiment="EXP99-001")
        )
    problems = caught.value.problems
    assert any(
        "run field 'plate' (storage_link)" in p and "'PLT-9999'" in p and "no plate" in p for p in problems
    )
    assert any("run field 'experiment' (entry_link)" in p and "'EXP99-001'" in p for p in problems)
    assert "read.csv" in caught.value.message


def test_an_item_of_another_schema_is_refused_naming_both_schemas(tmp_path: Path) -> None:
    # VIAL-0001 is a container: the plate field's schema (a 96-well plate) rules it out.
    schema_map = plate_map(tmp_path, plate="{metadata: plate, match: id}")
    with pytest.raises(ResolveError) as caught:
        plan_for(tmp_path, schema_map, plate_file(tmp_path, plate="con_vial0001", experiment="EXP23-001"))
    (problem,) = caught.value.problems
    assert "con_vial0001" in problem and "consch_hplcvial" in problem and "pltsch_96well" in problem


def test_a_name_several_items_share_is_an_error_naming_them(tmp_path: Path) -> None:
    entities = FakeEntities()
    entities.storage.append(LinkTarget("plt_copy", "plate", "Assay Plate 1", "PLT-0099", "pltsch_96well"))
    with pytest.raises(ResolveError) as caught:
        plan_for(
            tmp_path,
            plate_map(tmp_path),
            plate_file(tmp_path, plate="Assay Plate 1", experiment="EXP23-001"),
            entities,
        )
    (problem,) = caught.value.problems
    assert "names 2 items" in problem and "plt_assay01" in problem and "plt_copy" in problem


def test_a_shared_name_is_narrowed_by_the_fields_schema(tmp_path: Path) -> None:
    entities = FakeEntities()
    entities.storage.append(LinkTarget("plt_other", "plate", "Assay Plate 1", "PLT-0098", "pltsch_384well"))
    plan = plan_for(
        tmp_path,
        plate_map(tmp_path),
        plate_file(tmp_path, plate="Assay Plate 1", experiment="EXP23-001"),
        entities,
    )
    assert plan.run.fields["plate"] == "plt_assay01"


def test_unknown_skip_leaves_the_field_empty_with_a_warning(tmp_path: Path) -> None:
    schema_map = plate_map(tmp_path, plate="{metadata: plate, unknown: skip}")
    plan = plan_for(tmp_path, schema_map, plate_file(tmp_path, plate="PLT-9999", experiment="EXP23-001"))
    assert "plate" not in plan.run.fields
    assert plan.run.fields["experiment"] == "etr_exp23001"
    assert any("run field 'plate'" in w and "PLT-9999" in w for w in plan.warnings)


def test_match_barcode_does_not_fall_back_to_names(tmp_path: Path) -> None:
    schema_map = plate_map(tmp_path, plate="{metadata: plate, match: barcode}")
    with pytest.raises(ResolveError, match="has this barcode"):
        plan_for(tmp_path, schema_map, plate_file(tmp_path, plate="Assay Plate 1", experiment="EXP23-001"))


def test_a_constant_and_a_file_name_can_name_items(tmp_path: Path) -> None:
    schema_map = plate_map(tmp_path, plate="{provenance: file_stem}", experiment="{value: EXP23-002}")
    parsed = plate_file(tmp_path)
    parsed = replace(parsed, provenance=Provenance("plate_reader_test", "1.0", tmp_path / "PLT-0002.csv"))
    plan = resolve(
        parsed,
        source=tmp_path / "PLT-0002.csv",
        sha256="x",
        schema_map=schema_map,
        tenant=FakeTenant(),
        entities=FakeEntities(),
        identity=IDENTITY,
    )
    assert plan.run.fields["plate"] == "plt_assay02"
    assert plan.run.fields["experiment"] == "etr_exp23002"


# -- result fields: one lookup for every row of a file ------------------------------------------------


class TenantWithVialResults(FakeTenant):
    """The demo tenant whose plate-reader results also link the vials they were read from."""

    def result_schemas(self) -> Any:
        schemas = list(super().result_schemas())
        plate = next(s for s in schemas if s.name == "Plate Reader Result")
        fields = dict(plate.fields)
        fields["vials"] = FieldDef("vials", "storage_link", is_multi=True, schema_id="consch_hplcvial")
        fields["vial"] = FieldDef("vial", "storage_link")
        schemas[schemas.index(plate)] = SchemaDef(plate.id, plate.name, plate.kind, fields)
        return tuple(schemas)


def vial_map(tmp_path: Path, vial_options: str = "") -> SchemaMap:
    text = PLATE_MAP.format(plate="{metadata: plate}", experiment="{metadata: experiment}")
    text += f"        vials: {{column: vials}}\n        vial: {{column: vial{vial_options}}}\n"
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema_map(path)


def vial_file(tmp_path: Path, vials: list[Any], vial: list[str]) -> ParsedFile:
    rows = [
        {"well": f"A{i}", "absorbance": 0.5, "vials": v, "vial": one}
        for i, (v, one) in enumerate(zip(vials, vial, strict=True), start=1)
    ]
    return ParsedFile(
        metadata={"instrument": "Reader-1", "plate": "PLT-0001", "experiment": "EXP23-001"},
        results=results_frame(rows, extra=["well", "absorbance", "vials", "vial"]),
        provenance=Provenance("plate_reader_test", "1.0", tmp_path / "read.csv"),
    )


def test_result_links_of_every_row_are_looked_up_in_one_call_per_way(tmp_path: Path) -> None:
    entities = FakeEntities()
    parsed = vial_file(
        tmp_path,
        vials=["VIAL-0001", "VIAL-0002", "VIAL-0001"],
        vial=["Vial 3", "VIAL-0002", "con_vial0001"],
    )
    plan = resolve(
        parsed,
        source=tmp_path / "read.csv",
        sha256="x",
        schema_map=vial_map(tmp_path),
        tenant=TenantWithVialResults(),
        entities=entities,
        identity=IDENTITY,
    )
    assert [r.fields["vials"] for r in plan.results] == [["con_vial0001"], ["con_vial0002"], ["con_vial0001"]]
    assert [r.fields["vial"] for r in plan.results] == ["con_vial0003", "con_vial0002", "con_vial0001"]
    methods = [method for method, _ in entities.link_calls]
    assert sorted(methods) == [
        "entries_by_display_ids",
        "storage_by_barcodes",
        "storage_by_ids",
        "storage_by_names",
    ]
    barcodes = dict(entities.link_calls)["storage_by_barcodes"]
    assert sorted(barcodes) == ["PLT-0001", "VIAL-0001", "VIAL-0002", "Vial 3"]
    assert dict(entities.link_calls)["storage_by_names"] == ["Vial 3"]


def test_unknown_result_links_are_listed_once_each_across_rows(tmp_path: Path) -> None:
    parsed = vial_file(tmp_path, vials=["VIAL-0404"] * 3, vial=["Vial 9", "Vial 9", "VIAL-0001"])
    with pytest.raises(ResolveError) as caught:
        resolve(
            parsed,
            source=tmp_path / "read.csv",
            sha256="x",
            schema_map=vial_map(tmp_path),
            tenant=TenantWithVialResults(),
            entities=FakeEntities(),
            identity=IDENTITY,
        )
    problems = caught.value.problems
    assert len(problems) == 2
    assert "result field 'vials'" in problems[0] and problems[0].count("VIAL-0404") == 1
    assert "result field 'vial'" in problems[1] and problems[1].count("Vial 9") == 1


def test_skipped_result_links_leave_only_those_rows_field_empty(tmp_path: Path) -> None:
    parsed = vial_file(tmp_path, vials=["VIAL-0001"] * 2, vial=["Vial 9", "VIAL-0002"])
    plan = resolve(
        parsed,
        source=tmp_path / "read.csv",
        sha256="x",
        schema_map=vial_map(tmp_path, ", unknown: skip"),
        tenant=TenantWithVialResults(),
        entities=FakeEntities(),
        identity=IDENTITY,
    )
    assert "vial" not in plan.results[0].fields and plan.results[1].fields["vial"] == "con_vial0002"
    assert any("Vial 9" in w for w in plan.warnings)


# -- mapping_check: which sources may feed link fields -------------------------------------------------


@pytest.mark.parametrize(
    ("plate", "experiment", "expected"),
    [
        ("{metadata: plate}", "{metadata: experiment}", None),
        ("{provenance: file_stem}", "{template: 'EXP{metadata_year}'}", None),
        ("{provenance: sha256}", "{metadata: experiment}", "provenance 'sha256' cannot name an item"),
        ("{metadata: plate, match: display_id}", "{metadata: experiment}", "takes 'match'"),
        ("{metadata: plate}", "{metadata: experiment, match: name}", "takes 'match'"),
        ("{json_columns: [well]}", "{metadata: experiment}", "'json_columns' needs a json field"),
    ],
)
def test_mapping_check_knows_what_may_feed_link_fields(
    tmp_path: Path, plate: str, experiment: str, expected: str | None
) -> None:
    problems = check_all(plate_map(tmp_path, plate=plate, experiment=experiment), FakeTenant())
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_link_options_on_other_fields_are_refused(tmp_path: Path) -> None:
    text = PLATE_MAP.format(plate="{metadata: plate}", experiment="{metadata: experiment}").replace(
        "instrument: {metadata: instrument}", "instrument: {metadata: instrument, unknown: skip}"
    )
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_all(load_schema_map(path), FakeTenant())
    assert problems == [
        "mapping 'plate_reader_test' run: field 'instrument' is text; ['unknown'] apply to storage_link "
        "and entry_link only"
    ]


def test_a_number_column_cannot_feed_a_link_field(tmp_path: Path) -> None:
    schema_map = vial_map(tmp_path)
    text = (tmp_path / "map.yaml").read_text(encoding="utf-8").replace("{column: vial}", "{column: area}")
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    schema_map = load_schema_map(tmp_path / "map.yaml")
    problems = check_all(schema_map, TenantWithVialResults())
    assert any("field 'vial' is storage_link but column 'area' holds numbers" in p for p in problems)


class TenantWithRequiredVial(TenantWithVialResults):
    def result_schemas(self) -> Any:
        schemas = list(super().result_schemas())
        plate = next(s for s in schemas if s.name == "Plate Reader Result")
        fields = {**plate.fields, "vial": FieldDef("vial", "storage_link", is_required=True)}
        schemas[schemas.index(plate)] = SchemaDef(plate.id, plate.name, plate.kind, fields)
        return tuple(schemas)


def test_a_required_link_is_not_skipped_even_with_unknown_skip(tmp_path: Path) -> None:
    parsed = vial_file(tmp_path, vials=["VIAL-0001"] * 2, vial=["Vial 9", "VIAL-0002"])
    with pytest.raises(ResolveError) as caught:
        resolve(
            parsed,
            source=tmp_path / "read.csv",
            sha256="x",
            schema_map=vial_map(tmp_path, ", unknown: skip"),
            tenant=TenantWithRequiredVial(),
            entities=FakeEntities(),
            identity=IDENTITY,
        )
    (problem,) = caught.value.problems
    assert "the field is required" in problem and "'Vial 9'" in problem
