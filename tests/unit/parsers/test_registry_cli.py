"""The `parsers` and `parse` commands, including a drop-in plugin loaded with --parsers-dir."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from ingest.cli import cli

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std.csv"

DROPIN = textwrap.dedent(
    '''
    from __future__ import annotations
    from pathlib import Path
    from ingest.errors import ParseError
    from ingest.models import ParsedFile, Provenance
    from parsers import results_frame

    class KeyValueParser:
        """Reads 'sample_id=SMP-001' lines."""
        name = "team_kv"
        version = "0.3"
        extensions = (".kv",)

        def sniff(self, head: bytes, path: Path) -> bool:
            return head.startswith(b"sample_id=")

        def parse(self, path: Path) -> ParsedFile:
            rows = []
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                key, sep, value = line.partition("=")
                if not sep:
                    raise ParseError(f"Line {number} of '{path.name}' has no '='.", file=path, line=number)
                rows.append({key: value})
            return ParsedFile({}, results_frame(rows), Provenance(self.name, self.version, path))
    '''
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_parsers_lists_builtins_and_entry_points() -> None:
    code, out, _ = run("parsers")
    assert code == 0
    assert "lc_results_csv" in out and "builtin" in out
    assert "example_plate_csv" in out and "entry point example-lab-parser" in out
    assert "Agilent .ch signal files (DAD, FID, TCD...) are decoded into traces by rainbow-api" in out


def test_parse_takes_the_sites_reading_hints(tmp_path: Path) -> None:
    export = tmp_path / "run.csv"
    export.write_text('Sample ID,RT (min),Area,Injection Date\nSMP-001,2,"1,052",05/06/2024 09:15\n')
    code, _, err = run("parse", str(export), "--format", "json")
    assert code == 2 and "'1,052'" in err and "nothing in the file shows" in err
    code, out, _ = run(
        "parse", str(export), "--format", "json", "--date-order", "month_first", "--decimal", "point"
    )
    document = json.loads(out)
    assert code == 0
    assert document["metadata"]["injection_time"] == "2024-05-06T09:15:00"
    assert document["results"][0]["area"] == 1052.0


def test_parse_takes_the_sites_encoding(tmp_path: Path) -> None:
    export = tmp_path / "run.csv"
    export.write_bytes("Sample ID,RT (min),Area\nProbe-µ°,2,1052\n".encode("cp1252"))
    code, out, _ = run("parse", str(export), "--format", "json")
    assert code == 0 and any("not UTF-8" in w for w in json.loads(out)["warnings"]), "a guess is a warning"
    code, out, _ = run("parse", str(export), "--format", "json", "--encoding", "cp1252")
    document = json.loads(out)
    assert code == 0 and not any("not UTF-8" in w for w in document["warnings"])
    assert document["results"][0]["sample_id"] == "Probe-µ°"
    code, _, err = run("parse", str(export), "--encoding", "cp9999")
    assert code == 2 and "unknown encoding 'cp9999'" in err


def test_dropin_plugin_is_listed_and_used_with_parsers_dir(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "team_kv.py").write_text(DROPIN, encoding="utf-8")
    export = tmp_path / "run.kv"
    export.write_text("sample_id=SMP-007\n", encoding="utf-8")
    code, out, _ = run("parsers", "--parsers-dir", str(plugins))
    assert code == 0 and "team_kv" in out and "file" in out
    code, out, err = run("parse", str(export), "--format", "json", "--parsers-dir", str(plugins))
    assert code == 0, err
    document = json.loads(out)
    assert document["parser"] == "team_kv"
    assert document["results"][0]["sample_id"] == "SMP-007"
    export.write_text("sample_id=SMP-007\nbroken\n", encoding="utf-8")
    code, out, err = run("parse", str(export), "--parsers-dir", str(plugins))
    assert code == 2
    assert err == "Error: Line 2 of 'run.kv' has no '='.\n"


def test_parse_json_includes_metadata_results_and_traces() -> None:
    code, out, err = run("parse", str(DEMO), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["parser"] == "lc_results_csv"
    assert document["metadata"]["instrument"] == "HPLC-01 (Agilent 1260)"
    assert len(document["results"]) == 8
    assert document["traces"][0]["points"] == 601
    assert document["attachments"][0].endswith("2026-11-02_caffeine_std_trace.csv")


def test_parse_csv_is_a_header_then_one_line_per_result() -> None:
    code, out, _ = run("parse", str(DEMO), "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 9
    assert lines[0].startswith("sample_id,sample_name,injection,signal,peak_number")


def test_parse_table_shows_metadata_and_results() -> None:
    code, out, _ = run("parse", str(DEMO))
    assert code == 0
    assert "injection_time" in out and "2026-11-02T09:15:00+01:00" in out and "Caffeine" in out


def test_parse_parquet_needs_output_and_writes_it(tmp_path: Path) -> None:
    code, _, err = run("parse", str(DEMO), "--format", "parquet")
    assert code == 2 and "--format parquet needs --output" in err
    target = tmp_path / "out.parquet"
    code, _, err = run("parse", str(DEMO), "--format", "parquet", "--output", str(target))
    assert code == 0, err
    assert pd.read_parquet(target)["sample_id"].tolist()[:2] == ["SMP-001", "SMP-001"]


def test_parse_error_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "run42.csv"
    bad.write_text("Sample ID,Area\nSMP-001,10\n", encoding="utf-8")
    code, _, err = run("parse", str(bad), "--parser", "lc_results_csv")
    assert code == 2
    assert err == "Error: Unable to find column 'RT (min)' in 'run42.csv'. Found: ['Sample ID', 'Area']\n"


def test_file_no_parser_claims_exits_2(tmp_path: Path) -> None:
    unknown = tmp_path / "notes.xyz"
    unknown.write_text("hello", encoding="utf-8")
    code, _, err = run("parse", str(unknown))
    assert code == 2 and err.startswith("Error: No parser reads") and err.count("\n") == 1
