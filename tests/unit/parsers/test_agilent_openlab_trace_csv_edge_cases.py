"""OpenLab CDS trace CSV parser: edge cases on files written into tmp_path."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFile
from parsers import validate_parsed
from parsers.agilent_openlab_trace_csv.parser import OpenLabTraceCsvParser


def utf16(path: Path, text: str, newline: str = "\r\n", bom: bool = True) -> Path:
    data = text.replace("\n", newline).encode("utf-16-le")
    path.write_bytes((codecs.BOM_UTF16_LE if bom else b"") + data)
    return path


def parse(path: Path) -> ParsedFile:
    return validate_parsed(OpenLabTraceCsvParser().parse(path), file=path)


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_small_trace_any_line_ending(tmp_path: Path, newline: str) -> None:
    path = utf16(tmp_path / "S1_DAD_A.CSV", "0.01\t0.5\n0.02\t-1.25\n0.03\t2e-3\n\n", newline)
    parsed = parse(path)
    (trace,) = parsed.traces
    assert trace.data["time_min"].tolist() == [0.01, 0.02, 0.03]
    assert trace.data["signal"].tolist() == [0.5, -1.25, 0.002]
    assert parsed.metadata == {"sample_name": "S1_DAD_A"}
    assert parsed.results.empty
    assert parsed.warnings == ()


def test_decimal_commas(tmp_path: Path) -> None:
    path = utf16(tmp_path / "x.csv", "0,01\t0,5\n0,02\t-1,25\n")
    assert parse(path).traces[0].data["signal"].tolist() == [0.5, -1.25]


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    path = utf16(tmp_path / "x.csv", "0.01\t0.5\n0.02\t0.25\n", bom=False)
    assert OpenLabTraceCsvParser().sniff(path.read_bytes(), path)
    assert len(parse(path).traces[0].data) == 2


def test_three_values_on_a_line_names_the_line(tmp_path: Path) -> None:
    path = utf16(tmp_path / "x.csv", "0.01\t0.5\n0.02\t0.25\t9\n0.03\t0.1\n")
    with pytest.raises(ParseError, match=r"Line 2 .* has 3 tab-separated values") as info:
        parse(path)
    assert info.value.line == 2


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    path = utf16(tmp_path / "x.csv", "0.01\t0.5\n0.02\tover\n")
    with pytest.raises(ParseError, match=r"'over' as a number .* line 2 column 'signal'") as info:
        parse(path)
    assert (info.value.line, info.value.column) == (2, "signal")


def test_missing_value_names_the_line(tmp_path: Path) -> None:
    path = utf16(tmp_path / "x.csv", "0.01\t0.5\n0.02\t\n")
    with pytest.raises(ParseError, match=r"'' as a number .* line 2 column 'signal'"):
        parse(path)


@pytest.mark.parametrize(
    "content", [b"", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le")]
)
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        parse(path)


def test_times_going_backwards_is_a_warning(tmp_path: Path) -> None:
    parsed = parse(utf16(tmp_path / "x.csv", "0.02\t0.5\n0.01\t0.25\n"))
    assert any("do not increase" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "content",
    [
        b"0.01\t0.5\n0.02\t0.25\n",  # UTF-8: not what OpenLab writes
        codecs.BOM_UTF16_LE + ",220.00000\r\n0.002,-4.08\r\n".encode("utf-16-le"),  # ChemStation DAD csv
        codecs.BOM_UTF16_LE + "Time\tSignal\r\n0.01\t0.5\r\n".encode("utf-16-le"),  # a header row
        codecs.BOM_UTF16_LE + "0.01\t0.5\t3\r\n".encode("utf-16-le"),  # three columns
        codecs.BOM_UTF16_LE + '"Sample Name","x",""\r\n'.encode("utf-16-le"),  # ChemStation report
        b"\x00\x01\x02\x03" * 50,
        b"",
    ],
)
def test_sniff_declines_other_content(tmp_path: Path, content: bytes) -> None:
    assert not OpenLabTraceCsvParser().sniff(content, tmp_path / "x.csv")


def test_sniff_ignores_a_line_cut_by_the_head(tmp_path: Path) -> None:
    head = codecs.BOM_UTF16_LE + "0.01\t0.5\r\n0.02\t0.2".encode("utf-16-le")
    assert OpenLabTraceCsvParser().sniff(head + b"5", tmp_path / "x.csv")  # odd length, cut mid-line
