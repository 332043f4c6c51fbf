"""The ``encoding`` reading hint of ``schemas_map.yaml``: per site, overridden per mapping, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.resolve import load_schema_map

MAP = """version: 1
{top}mappings:
  - parser: shimadzu_labsolutions_ascii
{mapping}    run:
      schema: Chromatography Run
  - parser: thermo_chromeleon_txt
    run:
      schema: Chromatography Run
"""


def write(tmp_path: Path, *, top: str = "", mapping: str = "") -> Path:
    path = tmp_path / "schemas_map.yaml"
    path.write_text(MAP.format(top=top, mapping=mapping), encoding="utf-8")
    return path


def test_the_sites_encoding_reaches_every_parser_and_a_mapping_may_override_it(tmp_path: Path) -> None:
    schema_map = load_schema_map(write(tmp_path, top="encoding: cp1251\n", mapping="    encoding: cp932\n"))
    assert schema_map.parse_hints("shimadzu_labsolutions_ascii").encoding == "cp932"
    assert schema_map.parse_hints("thermo_chromeleon_txt").encoding == "cp1251"


def test_without_the_setting_no_encoding_is_hinted(tmp_path: Path) -> None:
    assert load_schema_map(write(tmp_path)).parse_hints("thermo_chromeleon_txt").encoding is None


@pytest.mark.parametrize("alias", ["Shift_JIS", "cp932", "latin-1", "GBK", "utf-8"])
def test_any_python_text_codec_name_is_accepted(tmp_path: Path, alias: str) -> None:
    assert load_schema_map(write(tmp_path, top=f"encoding: {alias}\n")).encoding == alias


@pytest.mark.parametrize(
    ("value", "line", "where"), [("cp9999", 2, "encoding"), ("base64", 4, "mappings.0.encoding")]
)
def test_an_unknown_or_non_text_codec_names_the_field_the_value_and_what_was_expected(
    tmp_path: Path, value: str, line: int, where: str
) -> None:
    top, mapping = (f"encoding: {value}\n", "") if where == "encoding" else ("", f"    encoding: {value}\n")
    with pytest.raises(ConfigError) as info:
        load_schema_map(write(tmp_path, top=top, mapping=mapping))
    message = str(info.value)
    assert f"line {line}: {where}: unknown encoding {value!r}" in message
    assert "expected a text encoding" in message and "cp932" in message
