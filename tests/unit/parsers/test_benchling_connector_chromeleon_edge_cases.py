"""Edge cases of the Chromeleon connector JSON parser, on files made in tmp_path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers import validate_parsed
from parsers.benchling_connector_chromeleon_json.parser import ChromeleonConnectorJsonParser
from parsers.benchling_connector_empower_json.parser import EmpowerConnectorJsonParser

PEAK: dict[str, Any] = {
    "name": "Caffeine",
    "identifier": "1",
    "retention time": 1.5,
    "area": 2.0,
    "height": 40.0,
    "relative peak area": 100.0,
    "peak width at half height": 0.05,
}
DOCUMENT: dict[str, Any] = {
    "device information": {"pump model number": "P1", "uv model number": "UV1", "sampler model number": None},
    "sequence": {"sequence name": "Seq A", "sequence directory": "Dir", "sequence update operator": "ann"},
    "injections": [
        {
            "injection number": 1,
            "injection name": "Sample 1",
            "injection identifier": "id-1",
            "injection time": "2024-01-02T03:04:05+01:00",
            "injection type": "Unknown",
            "sample identifier": "EX-1",
            "injection position": "RA1",
            "injection volume setting": 5.0,
            "injection volume setting unit": "µl",
            "signals": [
                {
                    "signal name": "UV_VIS_1",
                    "wavelength setting": 254.0,
                    "chromatogram": {"x": [0.0, 0.5, 1.0], "y": [0.0, 2.0, 0.5]},
                    "peaks": [PEAK],
                }
            ],
        }
    ],
}


def write(tmp_path: Path, document: Any, *, name: str = "export.json", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(json.dumps(document, ensure_ascii=False, indent=2).encode(encoding))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(ChromeleonConnectorJsonParser().parse(path), file=path)


def with_peak(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["peaks"] = [{**PEAK, **changes}]
    return document


def test_minimal_export_gives_one_peak_row_and_run_metadata(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, DOCUMENT))
    (row,) = parsed.results.to_dict("records")
    assert (row["sample_id"], row["sample_name"], row["injection"], row["signal"]) == (
        "EX-1",
        "Sample 1",
        "1",
        "UV_VIS_1",
    )
    assert (row["peak_number"], row["retention_time_min"], row["area"], row["area_unit"]) == (
        1,
        1.5,
        2.0,
        "mAU*min",
    )
    assert parsed.metadata["sequence"] == "Seq A"
    assert parsed.metadata["sample_name"] == "Sample 1"  # the only injection
    assert parsed.metadata["injection_time"] == "2024-01-02T03:04:05+01:00"
    assert parsed.traces[0].data["signal"].tolist() == [0.0, 2.0, 0.5]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_reads_bom_and_utf16_files(tmp_path: Path, encoding: str) -> None:
    parsed = parse(write(tmp_path, DOCUMENT, encoding=encoding))
    assert parsed.results["peak_name"].tolist() == ["Caffeine"]
    head = (tmp_path / "export.json").read_bytes()[:4096]
    assert ChromeleonConnectorJsonParser().sniff(head, tmp_path / "export.json")


def test_crlf_and_other_key_spellings_are_read(tmp_path: Path) -> None:
    peak = {"Name": "X", "Identifier": "7", "Retention_Time": 2.5, "AREA": 3.0, "Relative Peak Area": 50.0}
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["peaks"] = [peak]
    path = tmp_path / "crlf.json"
    path.write_bytes(json.dumps(document, indent=2).replace("\n", "\r\n").encode())
    (row,) = parse(path).results.to_dict("records")
    assert (row["peak_name"], row["peak_number"], row["retention_time_min"], row["area"]) == (
        "X",
        7,
        2.5,
        3.0,
    )
    assert row["area_percent"] == 50.0


def test_decimal_comma_text_numbers_and_nan_are_read(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    text = json.dumps(with_peak(area="2,75", height=None)).replace("null", "NaN", 1)
    path.write_text(text, encoding="utf-8")
    (row,) = parse(path).results.to_dict("records")
    assert row["area"] == 2.75


def test_peak_without_numeric_identifier_is_numbered_by_position(tmp_path: Path) -> None:
    (row,) = parse(write(tmp_path, with_peak(identifier="a1b2"))).results.to_dict("records")
    assert (row["peak_number"], row["peak_identifier"]) == (1, "a1b2")


def test_empty_injection_list_is_a_valid_empty_result(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, {**DOCUMENT, "injections": []}))
    assert parsed.results.empty and parsed.metadata["injection_count"] == 0


def test_non_absorbance_signal_has_no_invented_unit(tmp_path: Path) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["signal name"] = "ECD_1"
    parsed = parse(write(tmp_path, document))
    assert parsed.results["area_unit"].isna().all()
    assert parsed.traces[0].signal_unit is None
    assert parsed.warnings and "ECD_1" in parsed.warnings[0]


def expect_error(path: Path, *fragments: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        ChromeleonConnectorJsonParser().parse(path)
    error = info.value
    assert error.file == path
    for fragment in fragments:
        assert fragment in error.message, error.message
    return error


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    expect_error(path, "is empty")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    expect_error(path, str(path))


def test_truncated_file_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps(DOCUMENT, indent=2)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    error = expect_error(path, "Unable to read", "as JSON at line", "truncated")
    assert error.line is not None and error.line > 1
    assert error.column is not None


def test_top_level_array(tmp_path: Path) -> None:
    expect_error(write(tmp_path, [DOCUMENT]), "JSON array", "Expected a JSON object")


def test_missing_injections(tmp_path: Path) -> None:
    document = {k: v for k, v in DOCUMENT.items() if k != "injections"}
    expect_error(write(tmp_path, document), "no 'injections' array")


def test_injection_that_is_not_an_object(tmp_path: Path) -> None:
    error = expect_error(write(tmp_path, {**DOCUMENT, "injections": [42]}), "$.injections[0]", "JSON number")
    assert error.context["json_path"] == "$.injections[0]"


def test_non_numeric_area_names_path_field_and_value(tmp_path: Path) -> None:
    error = expect_error(
        write(tmp_path, with_peak(area="lots")),
        "'area'",
        "$.injections[0].signals[0].peaks[0]",
        "'lots'",
        "Expected a number",
    )
    assert error.column == "area"


def test_injection_time_that_is_not_iso(tmp_path: Path) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["injection time"] = "15.07.2011 16:27"
    error = expect_error(write(tmp_path, document), "'injection time'", "'15.07.2011 16:27'", "ISO 8601")
    assert error.context["json_path"] == "$.injections[0]"


def test_boolean_where_a_number_belongs(tmp_path: Path) -> None:
    expect_error(write(tmp_path, with_peak(height=True)), "'height'", "True")


def test_duplicated_key(tmp_path: Path) -> None:
    path = tmp_path / "dupe.json"
    text = json.dumps(with_peak()).replace('"area": 2.0', '"area": 2.0, "area": 3.0')
    path.write_text(text, encoding="utf-8")
    error = expect_error(path, "'area' appears twice")
    assert error.column == "area"


def test_same_field_spelt_two_ways_neither_as_expected(tmp_path: Path) -> None:
    peak = {k: v for k, v in PEAK.items() if k != "area"}
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["peaks"] = [{**peak, "Area": 9.0, "AREA": 8.0}]
    expect_error(write(tmp_path, document), "'area'", "more than once", "['AREA', 'Area']")


def test_the_documented_spelling_wins_over_a_variant(tmp_path: Path) -> None:
    (row,) = parse(write(tmp_path, with_peak(Area=9.0))).results.to_dict("records")
    assert row["area"] == 2.0


def test_infinite_number(tmp_path: Path) -> None:
    path = tmp_path / "inf.json"
    path.write_text(json.dumps(with_peak()).replace('"area": 2.0', '"area": Infinity'), encoding="utf-8")
    expect_error(path, "'Infinity'", "finite number")


def test_chromatogram_with_unequal_axes(tmp_path: Path) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["chromatogram"] = {"x": [0.0, 1.0], "y": [1.0]}
    expect_error(write(tmp_path, document), "2 time values and 1 signal values")


def test_chromatogram_with_text_values(tmp_path: Path) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"][0]["chromatogram"] = {"x": [0.0, 1.0], "y": [1.0, "high"]}
    expect_error(write(tmp_path, document), "'high' at position 1")


def test_signals_that_are_not_a_list(tmp_path: Path) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["injections"][0]["signals"] = {"signal name": "UV_VIS_1"}
    expect_error(write(tmp_path, document), "'signals'", "Expected a JSON array of objects")


def test_missing_file(tmp_path: Path) -> None:
    expect_error(tmp_path / "absent.json", "could not be read")


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\xff\xfe\x00",
        b"\x00\x01\x02\x03" * 100,
        b"[1, 2, 3]",
        b'{"name": "not an export"}',
        b'{"metadata": {"project": "P"}, "values": {"fields": {"SampleSetName": "S", "SampleSetId": 1}}}',
    ],
)
def test_sniff_rejects_other_content_without_raising(head: bytes) -> None:
    assert ChromeleonConnectorJsonParser().sniff(head, Path("x.json")) is False


def test_sniff_accepts_a_head_cut_mid_document(tmp_path: Path) -> None:
    data = json.dumps(DOCUMENT, indent=4).encode()
    assert ChromeleonConnectorJsonParser().sniff(data[:400], Path("x.json"))
    assert not EmpowerConnectorJsonParser().sniff(data[:400], Path("x.json"))
