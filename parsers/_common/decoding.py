"""Reading instrument text exports: encodings, byte-order marks and line endings.

Instrument PCs write UTF-16 with a BOM (Agilent), UTF-8 with or without a BOM, and legacy Windows code
pages (cp1250 for Central European Shimadzu installs, cp1252/latin-1 for older Chromeleon). Files copied
through other tools arrive as UTF-16 or UTF-32, little- or big-endian, with or without a BOM: without one
they are recognised by where their zero bytes sit. Line endings may be CRLF, LF or CR alone (Waters
Empower ARW).
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
    """The encoding a BOM (or a UTF-16/UTF-32 byte pattern without BOM) announces, else None."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-32's little-endian BOM starts with UTF-16's, so it is checked first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[: len(data[:400]) - len(data[:400]) % 4]
    if len(head) >= 8:
        # Mostly-ASCII text without a BOM: the zero bytes of each code unit sit in fixed places.
        quads = [head[i::4] for i in range(4)]
        zeros = [q.count(0) / len(q) for q in quads]
        if zeros[1] > 0.8 and zeros[2] > 0.8 and zeros[3] > 0.8 and zeros[0] < 0.2:
            return _if_text(head, "utf-32-le")
        if zeros[0] > 0.8 and zeros[1] > 0.8 and zeros[2] > 0.8 and zeros[3] < 0.2:
            return _if_text(head, "utf-32-be")
    head = data[: len(data[:200]) - len(data[:200]) % 2]
    odd, even = head[1::2], head[0::2]
    if len(head) >= 4 and odd.count(0) > len(odd) * 0.8 and even.count(0) == 0:
        return _if_text(head, "utf-16-le")
    if len(head) >= 4 and even.count(0) > len(even) * 0.8 and odd.count(0) == 0:
        return _if_text(head, "utf-16-be")
    return None


def _if_text(head: bytes, encoding: str) -> str | None:
    """``encoding`` when ``head`` decodes in it to mostly-ASCII readable text, as exports are (binary data
    can have the same zero bytes: ``00 FF 00 FF`` is no text), else None."""
    text = head.decode(encoding, errors="replace")
    ascii_text = sum((" " <= ch <= "~") or ch in "\t\r\n" for ch in text)
    return encoding if text and ascii_text >= 0.8 * len(text) else None


def decode_bytes(data: bytes, *, file: Path, encodings: tuple[str, ...] = _FALLBACK_ENCODINGS) -> DecodedText:
    """Decode an export's bytes and normalize CRLF/CR line endings to LF.

    Raises ParseError for empty or binary content and when no candidate encoding fits.
    """
    if not data:
        raise ParseError(
            f"File '{file}' is empty (an empty file, 0 bytes). Expected an instrument export.", file=file
        )
    if not data.strip():
        raise ParseError(
            f"File '{file}' is empty: it holds only blank lines. Expected an instrument export with content.",
            file=file,
        )
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
