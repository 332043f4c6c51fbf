"""``init`` writes a starter schemas_map.yaml: valid as written, one commented mapping per installed
parser with its columns, each of which becomes a valid mapping once uncommented and filled in."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ingest.cli import cli
from ingest.resolve import load_schema_map
from parsers import discover_parsers


def init(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["init", str(folder), *args])
    return result.exit_code, result.output


def mapping_block(text: str, parser: str) -> str:
    """The commented mapping of ``parser``, uncommented, with its placeholders filled in."""
    blocks = text.split("\n\n")
    block = next(b for b in blocks if f"# # {parser}:" in b)
    lines = [line.removeprefix("# ") for line in block.splitlines()]
    filled = "\n".join(lines)
    filled = filled.replace("<run schema name or id>", "Chromatography Run")
    filled = filled.replace("<result schema name or id>", "Chromatography Result")
    filled = filled.replace("<the result field linking to the run>", "run")
    return filled.replace("<the result field holding the sample>", "sample")


def test_the_starter_map_loads_and_has_a_mapping_per_parser(tmp_path: Path) -> None:
    code, output = init(tmp_path)
    assert code == 0, output
    written = tmp_path / "schemas_map.yaml"
    registry = discover_parsers()
    assert load_schema_map(written, known_parsers=registry.names).mappings == ()
    text = written.read_text(encoding="utf-8")
    for name in registry.names:
        assert f"#   - parser: {name}\n" in text, f"no commented mapping for {name}"
    assert "example_plate_csv" in registry.names, "the test plugin counts as an installed parser here"


def test_an_uncommented_mapping_is_valid_and_lists_the_contract_columns(tmp_path: Path) -> None:
    init(tmp_path)
    text = (tmp_path / "schemas_map.yaml").read_text(encoding="utf-8")
    block = mapping_block(text, "lc_results_csv")
    for column in ("retention_time_min", "area", "peak_name"):
        assert re.search(rf"^\s+{column}: \{{column: {column}\}}", block, re.MULTILINE), column
    usable = text.replace("mappings: []", "mappings:") + "\n" + block + "\n"
    (tmp_path / "filled.yaml").write_text(usable, encoding="utf-8")
    registry = discover_parsers()
    schema_map = load_schema_map(
        tmp_path / "filled.yaml", known_parsers=registry.names, parser_techniques=registry.techniques
    )
    assert [m.parser for m in schema_map.mappings] == ["lc_results_csv"]


def test_an_existing_map_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "schemas_map.yaml"
    target.write_text("# mine\n", encoding="utf-8")
    code, output = init(tmp_path)
    assert code == 1 and "exists already" in output and "--force" in output
    assert target.read_text(encoding="utf-8") == "# mine\n"
    code, _ = init(tmp_path, "--force")
    assert code == 0 and "mappings: []" in target.read_text(encoding="utf-8")
