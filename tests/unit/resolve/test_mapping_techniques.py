"""Mappings per technique: which mapping a file of a technique gets, checks against its contract, and the
technique key validated against what the parser declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.contract import CONTRACTS, PLATE_READER, QPCR
from ingest.errors import ConfigError, ResolveError
from ingest.models import ParsedFile, Provenance
from ingest.resolve.identity import Identity
from ingest.resolve.mapping_check import check_all, check_mapping
from ingest.resolve.mapping_file import SchemaMap, load_schema_map
from ingest.resolve.resolver import resolve
from parsers import results_frame
from tests.support.paths import REPO
from tests.support.tenant_fakes import FakeEntities, FakeTenant

TWO_TECHNIQUES = """\
version: 1
defaults: {project: Cell Line Development, registry: Samples}
mappings:
  - parser: asm
    run: {schema: Chromatography Run, fields: {instrument: {value: any}}}
  - parser: asm
    technique: plate_reader
    run: {schema: Plate Reader Run, fields: {instrument: {metadata: instrument}}}
    results:
      schema: Plate Well Result
      run_link: run
      fields:
        well: {column: well}
        read_type: {column: read_type}
        value: {column: value}
        value_unit: {column: value_unit}
  - parser: asm
    technique: qpcr
    folder: "*/qpcr-inbox"
    run: {schema: qPCR Run, fields: {instrument: {metadata: instrument}}}
"""

IDENTITY = Identity("tenant.example.com")


def schema_map(text: str, tmp_path: Path, **kwargs: object) -> SchemaMap:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema_map(path, **kwargs)  # type: ignore[arg-type]


def test_a_mapping_naming_the_files_technique_wins_and_another_technique_never_applies(
    tmp_path: Path,
) -> None:
    smap = schema_map(TWO_TECHNIQUES, tmp_path)
    assert smap.for_parser("asm", None, PLATE_READER).technique == PLATE_READER  # type: ignore[union-attr]
    general = smap.for_parser("asm", None, "cell_counting")
    assert general is not None and general.technique is None
    # The qPCR mapping is for its folder only; elsewhere a qPCR file gets the general one.
    assert smap.for_parser("asm", Path("/lab/other"), QPCR).technique is None  # type: ignore[union-attr]
    assert smap.for_parser("asm", Path("/lab/qpcr-inbox"), QPCR).technique == QPCR  # type: ignore[union-attr]
    assert smap.for_parser("asm", Path("/lab/qpcr-inbox"), PLATE_READER).technique == PLATE_READER  # type: ignore[union-attr]


def test_an_unknown_technique_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    text = TWO_TECHNIQUES.replace("technique: plate_reader", "technique: plate_readers")
    with pytest.raises(
        ConfigError, match=r"line 7: mappings\.1\.technique: unknown technique 'plate_readers'"
    ):
        schema_map(text, tmp_path)


def test_a_technique_the_parser_does_not_read_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"parser 'asm' does not read 'plate_reader' files"):
        schema_map(TWO_TECHNIQUES, tmp_path, parser_techniques={"asm": ("liquid_chromatography", "qpcr")})


def test_columns_are_checked_against_the_techniques_contract(tmp_path: Path) -> None:
    text = TWO_TECHNIQUES.replace("read_type: {column: read_type}", "read_type: {column: wavelength_nm}")
    text = text.replace("well: {column: well}", "well: {column: well}\n        wavelength_nm: {column: well}")
    problems = check_all(schema_map(text, tmp_path), FakeTenant())
    assert problems == [
        "mapping 'asm' (technique plate_reader) results: field 'wavelength_nm' is float but column 'well' "
        "holds text; expected a field of type "
        "['dropdown', 'entry_link', 'json', 'long_text', 'storage_link', 'text']"
    ]


def test_lc_mappings_keep_their_lc_checks(tmp_path: Path) -> None:
    text = (REPO / "schemas_map.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "retention_time_min: {column: retention_time_min}", "retention_time_min: {column: peak_name}", 1
    )
    problems = check_all(schema_map(text, tmp_path), FakeTenant())
    assert problems == [
        "mapping 'lc_results_csv' results: field 'retention_time_min' is float but column 'peak_name' holds "
        "text; expected a field of type "
        "['dropdown', 'entry_link', 'json', 'long_text', 'storage_link', 'text']"
    ]


def test_timestamps_may_fill_datetime_fields_but_numbers_may_not_fill_them(tmp_path: Path) -> None:
    smap = schema_map(REPO.joinpath("schemas_map.yaml").read_text(encoding="utf-8"), tmp_path)
    (cells,) = [m for m in smap.mappings if m.technique == "cell_counting"]
    assert check_mapping(smap, cells, FakeTenant())[1] == []
    assert CONTRACTS["cell_counting"].column("measurement_time").kind == "timestamp"  # type: ignore[union-attr]


def plate_file(source: Path) -> ParsedFile:
    rows = [
        {"well": "A1", "read_type": "absorbance", "value": 0.5, "value_unit": "mAU", "sample_id": "SMP-101"}
    ]
    return ParsedFile(
        metadata={"instrument": "Reader"},
        results=results_frame(rows, technique=PLATE_READER),
        provenance=Provenance(parser="asm", parser_version="1", source=source),
        technique=PLATE_READER,
    )


def test_resolve_uses_the_mapping_of_the_files_technique(tmp_path: Path) -> None:
    smap = schema_map(TWO_TECHNIQUES, tmp_path)
    source = tmp_path / "plate.json"
    source.write_text("{}", encoding="utf-8")
    plan = resolve(plate_file(source), source=source, sha256="0" * 64, schema_map=smap, tenant=FakeTenant(),
                   entities=FakeEntities(), identity=IDENTITY)  # fmt: skip
    assert plan.run.schema_id == "assaysch_platerun01"
    assert [r.fields["well"] for r in plan.results] == ["A1"]


def test_no_mapping_for_the_technique_names_it(tmp_path: Path) -> None:
    text = "version: 1\nmappings:\n  - parser: asm\n    technique: qpcr\n    run: {schema: qPCR Run}\n"
    smap = schema_map(text, tmp_path)
    source = tmp_path / "plate.json"
    source.write_text("{}", encoding="utf-8")
    with pytest.raises(ResolveError, match=r"No mapping for parser 'asm' and technique 'plate_reader'"):
        resolve(plate_file(source), source=source, sha256="0" * 64, schema_map=smap, tenant=FakeTenant(),
                entities=FakeEntities(), identity=IDENTITY)  # fmt: skip
