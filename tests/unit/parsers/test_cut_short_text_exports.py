"""Text exports cut short (a copy interrupted on a share): read with a warning or refused, never a crash.

A UTF-16 file cut after an odd number of bytes, or a UTF-8 file cut inside a multi-byte character, keeps
the characters before the cut and says the file looks truncated; an OpenLab RDL report cut inside one
of its boxes is refused. The inputs are the formats' own test data, cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import decode_bytes, discover_parsers

CONFORMANCE = Path(__file__).parents[2] / "conformance" / "parsers"


def test_utf16_cut_after_an_odd_number_of_bytes_keeps_the_text_before_and_warns() -> None:
    data = "\ufeffSample Name: Kaffee 1\r\n".encode("utf-16-le")
    decoded = decode_bytes(data[:-1], file=Path("Report.TXT"))
    assert decoded.encoding == "utf-16"
    assert decoded.text == "Sample Name: Kaffee 1\n"  # the CR before the cut LF still ends the line
    (warning,) = decoded.warnings
    assert "ends in the middle of a utf-16 character" in warning and "looks truncated" in warning


def test_utf8_cut_inside_a_multibyte_character_is_read_as_utf8_not_guessed() -> None:
    data = "Inj Volume : 5.0 µl\nWert: Groß".encode()
    decoded = decode_bytes(data[:-1], file=Path("bericht.txt"))  # cut between the two bytes of "ß"
    assert (decoded.encoding, decoded.text) == ("utf-8", "Inj Volume : 5.0 µl\nWert: Gro")
    (warning,) = decoded.warnings
    assert "ends in the middle of a utf-8 character (its last 1 byte(s) at offset 30)" in warning


def test_an_invalid_byte_inside_a_utf16_file_with_a_bom_is_a_parse_error() -> None:
    data = b"\xff\xfe" + "Signal 1".encode("utf-16-le") + b"\x00\xd8\x41\x00" + "x".encode("utf-16-le")
    with pytest.raises(ParseError) as refused:
        decode_bytes(data, file=Path("Report.TXT"))
    assert "starts with a utf-16 byte order mark but the bytes" in str(refused.value)


def test_a_chemstation_text_report_cut_after_an_odd_byte_is_read_with_the_warning(tmp_path: Path) -> None:
    source = CONFORMANCE / "agilent_chemstation_txt" / "testdata" / "IMP_B12_T0_Report.TXT"
    data = source.read_bytes()
    cut = tmp_path / "Report.TXT"
    cut.write_bytes(data[: len(data) - 1])
    parsed = discover_parsers().parse(cut)
    assert parsed.results["peak_number"].tolist() == [1, 2, 3, 4, 5]
    assert any("ends in the middle of a utf-16 character" in w for w in parsed.warnings)


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
