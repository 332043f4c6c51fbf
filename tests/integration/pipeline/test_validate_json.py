"""``validate --json`` prints one JSON document and nothing else on stdout, problems included; its exit
code says whether there were problems. Against the sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from integration.pipeline.test_cli_commands import REPO, copy_export, env, posts

from ingest.cli import cli
from ingest.sandbox import SandboxServer


def validate_json(sandbox: SandboxServer, tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(cli, ["validate", "--json", *args], env=env(sandbox, tmp_path))
    return result.exit_code, json.loads(result.stdout)  # the whole of stdout parses as one document


def test_a_good_file_gives_its_plan(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    code, document = validate_json(sandbox, tmp_path, str(export))
    assert code == 0
    assert document["ok"] is True and document["checked"] == 1 and document["with_problems"] == 0
    assert document["writes"] == 0 and isinstance(document["read_requests"], int)
    assert "Datetime fields are written as rfc3339" in str(document["datetime_form"])
    (checked,) = document["files"]  # type: ignore[misc]
    assert checked["ok"] is True and checked["file"] == str(export)
    assert len(checked["plan"]["results"]) == 8
    assert posts(sandbox) == 0


def test_problems_are_in_the_document_and_the_exit_code(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    broken = tmp_path / "broken.csv"
    broken.write_text("Sample ID,RT (min),Area\nSMP-001,not a time,1052\n", encoding="utf-8")
    mapping = (REPO / "schemas_map.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace("run_status: {value: Complete}", "run_status: {value: Finished}", 1)
    map_file = tmp_path / "map.yaml"
    map_file.write_text(mapping, encoding="utf-8")
    code, document = validate_json(sandbox, tmp_path, str(export), str(broken), "--map", str(map_file))
    assert code == 1
    assert document["ok"] is False and document["checked"] == 2 and document["with_problems"] == 2
    by_name = {Path(f["file"]).name: f for f in document["files"]}  # type: ignore[attr-defined]
    resolved = by_name[export.name]
    # A dropdown option the tenant lacks is the mapping's mismatch with the tenant (it pauses a service).
    assert resolved["stage"] == "resolve" and resolved["error"] == "MappingMismatchError"
    assert any("'Finished' is not an option of the dropdown" in p for p in resolved["problems"])
    parsed = by_name["broken.csv"]
    assert parsed["stage"] == "parse" and "not a time" in " ".join(parsed["problems"])


def test_an_unusable_mapping_is_a_json_error_with_exit_code_2(sandbox: SandboxServer, tmp_path: Path) -> None:
    export = copy_export(tmp_path)
    map_file = tmp_path / "map.yaml"
    map_file.write_text("version: 2\nmappings: []\n", encoding="utf-8")
    code, document = validate_json(sandbox, tmp_path, str(export), "--map", str(map_file))
    assert code == 2
    assert document["ok"] is False and document["error"]["stage"] == "config"  # type: ignore[index]
