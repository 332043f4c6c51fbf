"""Reading instrument text exports: encodings, byte-order marks and line endings.

Instrument PCs write UTF-16 with a BOM (Agilent), UTF-8 with or without a BOM, and legacy Windows code
pages (cp1250 for Central European Shimadzu installs, cp1252/latin-1 for older Chromeleon). Line
endings may be CRLF, LF or CR alone (Waters Empower ARW).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError

# Tried in order after BOM detection; cp1252 before cp1250 would mis-read Central European letters
# only in text fields, never in numbers, so the order matters only for names.
_FALLBACK_ENCODINGS = ("utf-8", "cp1250", "cp1252", "latin-1")


@dataclass(frozen=True)
class DecodedText:
    """Text with universal newlines applied, the encoding it was read with, and its lines."""

    text: str
    encoding: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def detect_encoding(data: bytes) -> str | None:
    """The encoding a BOM (or a UTF-16 byte pattern without BOM) announces, else None."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = data[:200]
    # ASCII text in UTF-16LE without BOM: every odd byte is zero.
    if len(head) >= 4 and head[1::2].count(0) > len(head[1::2]) * 0.8 and head[0::2].count(0) == 0:
        return "utf-16-le"
    return None


def decode_bytes(data: bytes, *, file: Path, encodings: tuple[str, ...] = _FALLBACK_ENCODINGS) -> DecodedText:
    """Decode an export's bytes and normalize CRLF/CR line endings to LF.

    Raises ParseError for empty or binary content and when no candidate encoding fits.
    """
    if not data.strip():
        raise ParseError(f"File '{file}' is empty. Expected an instrument export with content.", file=file)
    bom = detect_encoding(data)
    candidates = (bom,) if bom else encodings
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ParseError(
                f"File '{file}' contains NUL characters after decoding as {encoding}. "
                "Expected a text export (is it a binary file?).",
                file=file,
            )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return DecodedText(text=text, encoding=encoding.replace("-sig", "") if bom else encoding)
    raise ParseError(
        f"File '{file}' could not be decoded as any of {list(candidates)}. Expected a text export.",
        file=file,
    )


def read_text(path: Path, *, encodings: tuple[str, ...] = _FALLBACK_ENCODINGS) -> DecodedText:
    """Read and decode a text export (``encodings`` as for ``decode_bytes``); an unreadable file is a
    ParseError naming it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return decode_bytes(data, file=path, encodings=encodings)


def decode_head(head: bytes) -> str:
    """The first bytes of a file as text for sniffing: in the encoding a BOM announces, else latin-1
    (which decodes any bytes), with undecodable bytes replaced; line endings are left as they are."""
    return head.decode(detect_encoding(head) or "latin-1", errors="replace")
