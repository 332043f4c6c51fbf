"""The shared readers of ``parsers._common.decoding``, which several parsers call: heads and whole exports."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers._common.decoding import decode_head, read_text


def test_decode_head_follows_the_bom() -> None:
    head = codecs.BOM_UTF16_LE + "[Header]\r\n".encode("utf-16-le")
    assert decode_head(head) == "[Header]\r\n"  # the BOM is consumed


def test_decode_head_reads_bytes_without_bom_as_latin1_and_never_fails() -> None:
    assert decode_head(b"Probe: L\xf6sung \xff\r\n") == "Probe: Lösung ÿ\r\n"
    # A head cut in the middle of a UTF-16 character: the half character is replaced, not an error.
    assert decode_head(codecs.BOM_UTF16_LE + b"A\x00B") == "A\ufffd"


def test_read_text_prefers_the_given_encodings_in_order_when_readings_are_equally_plausible(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(b"Operator: Mat\xe8j\r\n")  # a letter in cp1250 (č), cp1252 (è) and cp1253 (θ)
    assert (read_text(path).text, read_text(path).encoding) == ("Operator: Matčj\n", "cp1250")
    chosen = read_text(path, encodings=("utf-8", "cp1252"))
    assert (chosen.text, chosen.encoding) == ("Operator: Matèj\n", "cp1252")
    assert "read as cp1252, a guess" in chosen.warnings[0]


def test_read_text_of_a_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(ParseError, match=r"File '.*missing\.txt' could not be read"):
        read_text(path)
