"""LC results CSV errors that must name where the problem is: an overlong line (a lost line break), and a
broken trace file, which is reported with the export that names it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers.lc_results_csv.parser import LcResultsCsvParser
from parsers.lc_results_csv.reader import MAX_LINE_BYTES

HEADER = "Sample ID,RT (min),Area,Chromatogram\n"
ROW = "SMP-001,0.5,2,\n"


def parse_error(path: Path) -> ParseError:
    with pytest.raises(ParseError) as caught:
        LcResultsCsvParser().parse(path)
    return caught.value


def test_a_five_megabyte_line_without_a_break_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "run42.csv"
    huge = b"SMP-002,0.5," + b"7" * 5_000_000  # no line break after it either
    path.write_bytes((HEADER + ROW).encode() + huge)

    error = parse_error(path)

    assert error.message == (
        f"Unable to read 'run42.csv': line 3 is {len(huge):,} bytes long, more than the "
        f"{MAX_LINE_BYTES:,} bytes a line may have. Expected one row per line (is a line break missing?)."
    )
    assert (error.context["file"], error.context["line"]) == (path, 3)
    assert "straddl" not in str(error)


def test_a_file_that_is_one_huge_line_is_reported_at_line_1(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_bytes(b"Sample ID,RT (min),Area," + b"x" * (3 * MAX_LINE_BYTES))
    error = parse_error(path)
    assert error.context["line"] == 1
    assert re.search(r"'flat\.csv': line 1 is [\d,]+ bytes long", error.message)


@pytest.mark.parametrize("break_", ["\n", "\r\n"])
def test_lines_up_to_the_limit_are_read_and_one_byte_more_is_not(tmp_path: Path, break_: str) -> None:
    # A long (but allowed) extra column: the line is exactly MAX_LINE_BYTES bytes, excluding its break.
    head = "Sample ID,RT (min),Area,Note" + break_
    prefix = "SMP-001,0.5,2,"
    fits = prefix + "n" * (MAX_LINE_BYTES - len(prefix))
    path = tmp_path / "long.csv"
    path.write_bytes((head + fits + break_ + "SMP-002,0.6,3,short" + break_).encode())

    parsed = LcResultsCsvParser().parse(path)

    assert parsed.results["sample_id"].tolist() == ["SMP-001", "SMP-002"]
    assert len(parsed.results["note"].iloc[0]) == MAX_LINE_BYTES - len(prefix)

    path.write_bytes((head + fits + "n" + break_ + "SMP-002,0.6,3,short" + break_).encode())
    assert parse_error(path).context["line"] == 2


def test_a_trace_file_with_a_huge_line_is_reported_with_the_export(tmp_path: Path) -> None:
    (tmp_path / "run42_trace.csv").write_bytes(
        b"time_min,signal\n0,1\n" + b"9" * (2 * MAX_LINE_BYTES) + b"\n"
    )
    path = tmp_path / "run42.csv"
    path.write_text(HEADER + "SMP-001,0.5,2,run42_trace.csv\n", encoding="utf-8")

    error = parse_error(path)

    assert error.message.startswith(
        "Chromatogram file 'run42_trace.csv' named in 'run42.csv' line 2 column 'Chromatogram' could not be "
        "read: Unable to read 'run42_trace.csv': line 3 is 2,097,152 bytes long"
    )


def test_a_broken_trace_file_names_the_trace_and_the_export_that_names_it(tmp_path: Path) -> None:
    (tmp_path / "good_trace.csv").write_text("time_min,signal\n0,1\n", encoding="utf-8")
    (tmp_path / "bad_trace.csv").write_text("time_min,signal\n0,1\n0.1,high\n", encoding="utf-8")
    path = tmp_path / "run42.csv"
    path.write_text(
        HEADER
        + "SMP-001,0.5,2,good_trace.csv\n"
        + "SMP-002,0.5,2,good_trace.csv\n"
        + "SMP-003,0.5,2,bad_trace.csv\n",
        encoding="utf-8",
    )

    error = parse_error(path)

    assert error.message == (
        "Chromatogram file 'bad_trace.csv' named in 'run42.csv' line 4 column 'Chromatogram' could not be "
        "read: Unable to read 'high' as a number in 'bad_trace.csv' line 3 column 'signal'. Expected a "
        "number with a decimal point (the value '0.1' shows it), thousands grouped by commas or spaces "
        "if at all."
    )
    details = error.to_dict()["details"]
    assert details["file"] == str(path) and details["line"] == 4 and details["column"] == "Chromatogram"
    assert details["trace_file"] == str(tmp_path / "bad_trace.csv")
    assert (details["trace_line"], details["trace_column"]) == (3, "signal")


def test_a_trace_file_with_the_wrong_columns_names_the_export_too(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    path = tmp_path / "run42.csv"
    path.write_text(HEADER + "SMP-001,0.5,2,t.csv\n", encoding="utf-8")
    error = parse_error(path)
    assert error.message.startswith(
        "Chromatogram file 't.csv' named in 'run42.csv' line 2 column 'Chromatogram'"
    )
    assert "Expected two columns: 'time_min' and 'signal'" in error.message
