"""Empower ARW parser on hand-made exports: other export methods and damage it must report."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers import validate_parsed
from parsers.waters_empower_arw.parser import EmpowerArwParser


def write(tmp_path: Path, lines: list[str], *, newline: str = "\r") -> Path:
    path = tmp_path / "export.arw"
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(EmpowerArwParser().parse(path), file=path)


def test_richer_export_method_maps_known_fields_and_keeps_the_rest(tmp_path: Path) -> None:
    names = (
        '"SampleName"\t"Vial"\t"Injection"\t"Date Acquired"\t'
        '"Injection Volume"\t"Channel"\t"Column Serial No"'
    )
    values = '"SMP-031"\t"1:A,3"\t"2"\t"5/26/2021 10:05:37 AM EDT"\t"10.00"\t"PDA 254.0 nm"\t"01234"'
    parsed = parse(write(tmp_path, [names, values, "0\t0.5", "0.5\t1.25"]))
    meta = parsed.metadata
    assert meta["sample_name"] == "SMP-031"
    assert (meta["vial"], meta["injection"]) == ("1:A,3", "2")
    assert meta["injection_time"] == "2021-05-26T10:05:37-04:00"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µL")
    assert meta["column_serial_no"] == "01234"
    (trace,) = parsed.traces
    assert trace.channel == "PDA 254.0 nm"
    assert trace.data.values.tolist() == [[0.0, 0.5], [0.5, 1.25]]


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_line_endings_and_unquoted_headers(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path, ["SampleName\tChannel", "S1\tChA", "0\t1", "0.1\t2"], newline=newline)
    parsed = parse(path)
    assert len(parsed.traces[0].data) == 2
    assert EmpowerArwParser().sniff(path.read_bytes(), path)


def test_unknown_zone_keeps_local_time_without_offset(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, ["SampleName\tDate Acquired", "S\t26.05.2021 10:05:37 XYZT", "0\t1"]))
    assert parsed.metadata["injection_time"] == "2021-05-26T10:05:37"


def error_for(tmp_path: Path, lines: list[str]) -> ParseError:
    path = write(tmp_path, lines)
    with pytest.raises(ParseError) as info:
        EmpowerArwParser().parse(path)
    assert str(path) in info.value.message
    return info.value


def test_three_column_row(tmp_path: Path) -> None:
    error = error_for(tmp_path, ["SampleName", "S", "0\t1", "0.1\t2\t3"])
    assert error.line == 4 and "Expected a time and a signal value" in error.message


def test_non_numeric_signal(tmp_path: Path) -> None:
    error = error_for(tmp_path, ["SampleName", "S", "0\t1", "0.1\tspike"])
    assert (error.line, error.column) == (4, "signal")


def test_more_values_than_names(tmp_path: Path) -> None:
    assert "2 values for 1 field names" in error_for(tmp_path, ["SampleName", "S\tX", "0\t1"]).message


def test_duplicated_field_names(tmp_path: Path) -> None:
    assert "appear twice" in error_for(tmp_path, ['"Channel"\t"Channel"', "A\tB"]).message


def test_numeric_first_line_is_not_a_header(tmp_path: Path) -> None:
    assert "Expected the export's field names" in error_for(tmp_path, ["0\t1", "0.1\t2"]).message


def test_single_line_file(tmp_path: Path) -> None:
    assert "1 non-empty line(s)" in error_for(tmp_path, ["SampleName"]).message


def test_bad_date(tmp_path: Path) -> None:
    error = error_for(tmp_path, ["SampleName\tDate Acquired", "S\tsoon", "0\t1"])
    assert error.column == "Date Acquired"


def test_sniff_rejects_other_text(tmp_path: Path) -> None:
    parser = EmpowerArwParser()
    path = tmp_path / "x.arw"
    assert not parser.sniff(b"", path)
    assert not parser.sniff(bytes(range(256)), path)
    assert not parser.sniff(b"Time,Value\n0,1\n", path)
    assert not parser.sniff(b"0\t1\r0.1\t2\r", path)


def test_a_3d_pda_export_is_refused_as_such(tmp_path: Path) -> None:
    lines = ["SampleName\tChannel", "S\tPDA 3D", "\t210.0\t211.2\t212.4", "0\t1\t2\t3", "0.1\t2\t3\t4"]
    error = error_for(tmp_path, lines)
    assert "is a 3D PDA export: line 3 holds 3 values" in error.message
    assert "Expected a 2D chromatogram" in error.message and error.line == 3


def test_a_3d_export_with_labelled_axes_is_claimed_and_refused_as_such(tmp_path: Path) -> None:
    # Another export method labels the axes: "Wavelength" before the wavelengths, "Time" on its own line.
    lines = [
        '"Sample Set Name"\t"Sample Set Start Date"\t"SampleName"',
        '"Scan_7"\t"11/4/2022 3:10:12 PM PST"\t"Buffer"',
        "Wavelength\t  300\t305.001\t310.002",
        "Time",
        "0\t  0\t0\t0",
        "0.0166\t  0.61\t0.93\t0.55",
        "0.0333\t  2.8\t4.2\t2.4",
    ]
    path = write(tmp_path, lines)
    parser = EmpowerArwParser()
    assert parser.sniff(path.read_bytes(), path)  # claimed, so that the refusal says what it is
    error = error_for(tmp_path, lines)
    assert "is a 3D PDA export: line 3 holds 4 values (wavelengths)" in error.message
    assert "export one channel" in error.message and error.line == 3


def test_decimal_commas_and_the_site_date_order(tmp_path: Path) -> None:
    path = write(tmp_path, ["SampleName\tDate Acquired", "S\t05/06/2021 10:05:37", "0\t1,5", "0,1\t2,25"])
    parsed = EmpowerArwParser().parse(path, hints=ParseHints(date_order="month_first"))
    assert parsed.metadata["injection_time"] == "2021-05-06T10:05:37"
    assert parsed.traces[0].data.values.tolist() == [[0.0, 1.5], [0.1, 2.25]]


def test_an_export_method_without_the_sample_name_is_warned_about(tmp_path: Path) -> None:
    path = write(tmp_path, ["Channel", "ChA", "0\t1"])
    assert parse(path).warnings == (
        f"'{path}' gives no sample name (looked for a 'SampleName' field); sample_name is left empty.",
    )
