"""Text exports cut short (a copy interrupted on a share): refused as truncated, never a crash or a guess.

A UTF-16 file cut after an odd number of bytes, or a UTF-8 file cut inside a multi-byte character, is
refused naming the byte offset and line (what followed the cut cannot be known); an OpenLab RDL report
cut inside one of its boxes is refused. The inputs are the formats' own test data, cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import decode_bytes, discover_parsers

CONFORMANCE = Path(__file__).parents[2] / "conformance" / "parsers"


def test_utf16_cut_after_an_odd_number_of_bytes_is_refused_as_truncated() -> None:
    data = "\ufeffSample Name: Kaffee 1\r\nInjection: 2\r\n".encode("utf-16-le")
    with pytest.raises(ParseError) as refused:
        decode_bytes(data[:-1], file=Path("Report.TXT"))
    message = str(refused.value)
    assert "'Report.TXT' ends in the middle of a utf-16 character" in message
    assert "line 2" in message and "looks truncated" in message
    assert refused.value.line == 2


def test_utf8_cut_inside_a_multibyte_character_is_refused_not_guessed_as_a_code_page() -> None:
    data = "Inj Volume : 5.0 µl\nWert: Groß".encode()
    with pytest.raises(ParseError) as refused:
        decode_bytes(data[:-1], file=Path("bericht.txt"))  # cut between the two bytes of "ß"
    assert "ends in the middle of a utf-8 character (its last 1 byte(s), at byte offset 30, line 2)" in str(
        refused.value
    )


@pytest.mark.parametrize("text", ["Wert: Groß\nEnde\n", "Ende\nWert: Groß"], ids=["inside", "at-the-end"])
def test_a_code_page_file_that_is_not_utf8_is_still_read_in_its_code_page(text: str) -> None:
    decoded = decode_bytes(text.encode("cp1252"), file=Path("bericht.txt"))
    assert decoded.text == text and decoded.encoding != "utf-8"


def test_an_invalid_byte_inside_a_utf16_file_with_a_bom_is_a_parse_error() -> None:
    data = b"\xff\xfe" + "Signal 1".encode("utf-16-le") + b"\x00\xd8\x41\x00" + "x".encode("utf-16-le")
    with pytest.raises(ParseError) as refused:
        decode_bytes(data, file=Path("Report.TXT"))
    assert "starts with a utf-16 byte order mark but the bytes" in str(refused.value)


def test_a_chemstation_text_report_cut_after_an_odd_byte_is_refused(tmp_path: Path) -> None:
    source = CONFORMANCE / "agilent_chemstation_txt" / "testdata" / "IMP_B12_T0_Report.TXT"
    data = source.read_bytes()
    cut = tmp_path / "Report.TXT"
    cut.write_bytes(data[: len(data) - 1])
    with pytest.raises(ParseError) as refused:
        discover_parsers().parse(cut)
    assert "ends in the middle of a utf-16 character" in str(refused.value)


def test_an_rdl_report_cut_inside_a_box_is_refused_as_truncated(tmp_path: Path) -> None:
    source = CONFORMANCE / "agilent_openlab_rdl_txt" / "testdata" / "SMP-007 SMP-008 summary.txt"
    text = source.read_bytes()
    cut = tmp_path / source.name
    cut.write_bytes(text[: text.index("   Sum │".encode())])  # inside the first signal's peak table
    with pytest.raises(ParseError) as refused:
        discover_parsers().parse(cut)
    message = str(refused.value)
    assert "was the file truncated?" in message
    assert f"'{cut}' ends in" in message
