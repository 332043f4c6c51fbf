"""Reading instrument text exports: encodings, byte-order marks and line endings.

Instrument PCs write UTF-16 with a BOM (Agilent), UTF-8 with or without a BOM, and legacy Windows code
pages (cp1250 for Central European Shimadzu installs, cp1252/latin-1 for older Chromeleon). Files copied
through other tools arrive as UTF-16 or UTF-32, little- or big-endian, with or without a BOM: without one
they are recognised by where their zero bytes sit. Line endings may be CRLF, LF or CR alone (Waters
Empower ARW).

The order: a BOM (or UTF-16/32 zero-byte pattern) first, then the site's ``encoding`` setting (a file it
cannot decode is refused, naming the byte and line), then strict UTF-8, then the most plausible legacy
code page (``code_pages``); that last one is a guess, and is reported as a warning naming the code page
and the setting that makes it certain.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.code_pages import OTHER_CODE_PAGES, guess_code_page
from parsers._common.handed_bytes import file_bytes

# Tried in order after BOM detection; cp1252 before cp1250 would mis-read Central European letters
# only in text fields, never in numbers, so the order matters only for names.
_FALLBACK_ENCODINGS = ("utf-8", "cp1250", "cp1252", "latin-1")


@dataclass(frozen=True)
class DecodedText:
    """Text with universal newlines applied, the encoding it was read with, and its lines; ``warnings``
    say when the encoding was a guess (for the parser to add to its own)."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()

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
    if data.find(b"\x00", 0, 400) < 0:
        return None  # each pattern below needs zero bytes in the first 400 (most of one kind of them)
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


def decode_bytes(
    data: bytes,
    *,
    file: Path,
    encodings: tuple[str, ...] = _FALLBACK_ENCODINGS,
    hint: str | None = None,
) -> DecodedText:
    """Decode an export's bytes and normalize CRLF/CR line endings to LF.

    A BOM decides first; then ``hint`` (the site's ``encoding``), strictly; then UTF-8 when ``encodings``
    lists it; then the most plausible of the other ``encodings`` and the East Asian, Cyrillic and Greek
    code pages, with a warning naming the guess. Raises ParseError for empty or binary content, for a file
    the hinted encoding cannot decode, and when no candidate fits.
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
    if bom:
        return _decode_unicode(data, bom, file)
    if hint:
        return _decoded(_decode_as_hinted(data, hint, file), hint, file)
    if "utf-8" in encodings:
        try:
            return _decode_unicode(data, "utf-8", file)
        except UnicodeDecodeError:
            pass
    legacy = [e for e in encodings if e != "utf-8" and e != "latin-1"]
    candidates = (*legacy, *(e for e in OTHER_CODE_PAGES if e not in legacy))
    if "latin-1" in encodings:
        candidates = (*candidates, "latin-1")
    guessed = guess_code_page(data, candidates)
    if guessed is None:
        raise ParseError(
            f"File '{file}' could not be decoded as any of {['utf-8', *candidates]}. Expected a text "
            "export; if it is one, set its code page as 'encoding' in schemas_map.yaml.",
            file=file,
        )
    encoding, text = guessed
    sample = _non_ascii_sample(text)
    # The words "its site sets no encoding" are what parsers._plugin.guessed_encoding looks for.
    warning = (
        f"File '{file}' is not UTF-8 and its site sets no encoding: it was read as {encoding}, a guess "
        f"from its text (e.g. {sample!r}). If names look wrong, set the export's code page in "
        f"schemas_map.yaml; to keep this reading, set 'encoding: {encoding}'."
    )
    decoded = _decoded(text, encoding, file)
    return DecodedText(text=decoded.text, encoding=encoding, warnings=(warning,))


def _decode_unicode(data: bytes, encoding: str, file: Path) -> DecodedText:
    """Decode UTF-8/16/32. A file cut inside its last character is refused as truncated (a copy or an
    export interrupted: what is missing after the cut cannot be known, so nothing of it is read).

    Any other invalid byte raises: UnicodeDecodeError for UTF-8 (the caller then tries code pages),
    ParseError for a file whose BOM names the encoding.
    """
    name = encoding.replace("-sig", "")
    try:
        return _decoded(data.decode(encoding), name, file)
    except UnicodeDecodeError as exc:
        cut_short = exc.end >= len(data) and exc.reason in ("unexpected end of data", "truncated data")
        if encoding == "utf-8" and (not cut_short or data[: exc.start].isascii()):
            # Only text that is UTF-8 before the cut shows the file is UTF-8; a code page's file may
            # end in a byte UTF-8 would begin a character with (cp1252's "ß").
            raise
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        if cut_short:
            raise ParseError(
                f"File '{file}' ends in the middle of a {name} character (its last {len(data) - exc.start} "
                f"byte(s), at byte offset {exc.start}, line {line}): the file looks truncated. Expected "
                f"whole {name} text; copy or export the file again.",
                file=file,
                line=line,
            ) from exc
        raise ParseError(
            f"File '{file}' starts with a {name} byte order mark but the bytes "
            f"{data[exc.start : exc.start + 4].hex(' ')} at byte offset {exc.start} (line {line}) are not "
            f"valid {name}. Expected {name} text throughout.",
            file=file,
            line=line,
        ) from exc


def _decode_as_hinted(data: bytes, hint: str, file: Path) -> str:
    try:
        return data.decode(hint)
    except LookupError as exc:
        raise ParseError(
            f"File '{file}' could not be read: the encoding {hint!r} set for its site is no known codec. "
            "Expected a code page such as cp932, cp1251, cp1252 or utf-8.",
            file=file,
        ) from exc
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"File '{file}' is not {hint} text, as the encoding set for its site says: the bytes "
            f"{data[exc.start : exc.start + 4].hex(' ')} at byte offset {exc.start} (line {line}) are "
            f"not valid {hint}. Expected a {hint} export; correct 'encoding' in schemas_map.yaml if this "
            "site writes another code page.",
            file=file,
            line=line,
        ) from exc


def _decoded(text: str, encoding: str, file: Path) -> DecodedText:
    if "\x00" in text:
        raise ParseError(
            f"File '{file}' contains NUL characters after decoding as {encoding}. "
            "Expected a text export (is it a binary file?).",
            file=file,
        )
    return DecodedText(text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=encoding)


def _non_ascii_sample(text: str) -> str:
    """The first line part holding non-ASCII text, to show what the guess reads."""
    for line in text.splitlines():
        if not line.isascii():
            index = next(i for i, ch in enumerate(line) if not ch.isascii())
            return line[max(0, index - 20) : index + 20].strip()
    return ""


def read_text(
    path: Path, *, encodings: tuple[str, ...] = _FALLBACK_ENCODINGS, hint: str | None = None
) -> DecodedText:
    """Read and decode a text export (``encodings`` and ``hint`` as for ``decode_bytes``); an unreadable
    file is a ParseError naming it."""
    try:
        data = file_bytes(path)  # the registry's read of a small file, when it handed that over
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return decode_bytes(data, file=path, encodings=encodings, hint=hint)


def decode_head(head: bytes) -> str:
    """The first bytes of a file as text for sniffing: in the encoding a BOM announces, else latin-1
    (which decodes any bytes), with undecodable bytes replaced; line endings are left as they are."""
    return head.decode(detect_encoding(head) or "latin-1", errors="replace")
