from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.models import ParseHints
from ingest.resolve import load_schema_map
from tests.support.paths import REPO, SCHEMAS_MAP

GOOD_HEAD = """version: 1
mappings:
  - parser: lc_results_csv
    run:
      schema: Chromatography Run
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schemas_map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_map_loads() -> None:
    schema_map = load_schema_map(REPO / "schemas_map.yaml")
    assert "lc_results_csv" in schema_map.parsers()
    assert schema_map.for_parser("lc_results_csv") is not None


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "      feilds: {}\n")
    with pytest.raises(ConfigError) as info:
        load_schema_map(path)
    assert info.value.line == 6
    assert "line 6: mappings.0.run.feilds: unknown key" in str(info.value)
    assert str(path) in str(info.value)


def test_field_with_two_sources_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "      fields:\n        method: {metadata: method, value: x}\n")
    with pytest.raises(ConfigError) as info:
        load_schema_map(path)
    assert "line 7" in str(info.value)
    assert "give exactly one of" in str(info.value)


def test_bad_yaml_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "      fields: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_schema_map(path)
    assert info.value.line is not None and info.value.line >= 6
    assert "is not valid YAML" in str(info.value)


def test_unknown_time_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone: Mars/Olympus\n" + GOOD_HEAD)
    with pytest.raises(ConfigError, match="line 1: timezone: unknown IANA time zone 'Mars/Olympus'"):
        load_schema_map(path)


def test_unknown_parser_is_reported_with_known_names(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD)
    expected = re.escape("line 3: unknown parser 'lc_results_csv'. Expected one of ['x']")
    with pytest.raises(ConfigError, match=expected):
        load_schema_map(path, known_parsers=["x"])


def test_folder_specific_mapping_wins(tmp_path: Path) -> None:
    text = (
        GOOD_HEAD
        + """  - parser: lc_results_csv
    folder: "*/lab2*"
    run:
      schema: Other Run
"""
    )
    schema_map = load_schema_map(write(tmp_path, text))
    special = schema_map.for_parser("lc_results_csv", Path("/shares/lab2-hplc"))
    general = schema_map.for_parser("lc_results_csv", Path("/shares/lab1"))
    assert special is not None and special.run.schema_ == "Other Run"
    assert general is not None and general.run.schema_ == "Chromatography Run"


def test_reading_hints_default_and_are_overridden_per_mapping(tmp_path: Path) -> None:
    text = (
        SCHEMAS_MAP.read_text(encoding="utf-8")
        .replace("\ntimezone:", "\ndate_order: day_first\ndecimal: comma\ntimezone:", 1)
        .replace("\nformula_text: neutralise", "\nformula_text: refuse", 1)
    )
    text = text.replace(
        "  - parser: waters_empower_arw\n", "  - parser: waters_empower_arw\n    date_order: month_first\n", 1
    )
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    schema_map = load_schema_map(path)
    assert schema_map.parse_hints("waters_empower_arw") == ParseHints("month_first", "comma", "refuse")
    assert schema_map.parse_hints("lc_results_csv") == ParseHints("day_first", "comma", "refuse")
    assert load_schema_map(SCHEMAS_MAP).parse_hints("lc_results_csv") == ParseHints(None, None, "neutralise")


def test_an_unknown_reading_hint_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        SCHEMAS_MAP.read_text(encoding="utf-8").replace(
            "\ntimezone:", "\ndate_order: yyyy_first\ntimezone:", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=r"line \d+: date_order: Input should be 'day_first' or 'month_first'"
    ):
        load_schema_map(path)


def test_a_link_match_that_does_not_exist_names_its_line_and_the_choices(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "      fields:\n        plate: {metadata: plate, match: serial}\n")
    with pytest.raises(ConfigError) as info:
        load_schema_map(path)
    assert info.value.line == 7
    assert "mappings.0.run.fields.plate.match" in str(info.value)
    assert "'auto', 'id', 'barcode', 'name' or 'display_id'" in str(info.value)


def test_the_tenant_section_takes_only_known_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path, "version: 1\ntenant:\n  datetime_format: us_12h\n" + GOOD_HEAD.removeprefix("version: 1\n")
    )
    with pytest.raises(ConfigError) as info:
        load_schema_map(path)
    assert "line 3: tenant.datetime_format" in str(info.value)
    assert "'rfc3339' or 'display_12h'" in str(info.value)
