"""Reading a JSON export: bytes -> one JSON object, with ParseErrors that say where; sniffing JSON heads.

Exporters write UTF-8 JSON, but files copied through Windows tools arrive with a BOM or as UTF-16, so
decoding goes through :mod:`parsers._common.decoding`. Duplicate keys are rejected rather than letting
the last one silently win, and ``NaN`` (written by Python-based exporters for missing numbers) is read
as a missing value.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._common.decoding import detect_encoding, read_text


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # rare: then find the first key seen twice, as a check key by key would
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def _constant(name: str) -> float:
    if name == "NaN":
        return math.nan
    raise ValueError(name)


#: One decoder for every document: ``json.loads`` given hooks makes a new one (and its scanner) per call.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_object, parse_constant=_constant)


def _loads(text: str) -> Any:
    """``json.loads(text, object_pairs_hook=_unique_object, parse_constant=_constant)``."""
    if text.startswith("\ufeff"):  # what json.loads refuses before decoding
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


#: Encodings tried, after a BOM, for JSON written without one.
JSON_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252", "latin-1")


def load_json_object(path: Path, *, source: str) -> tuple[dict[str, Any], str]:
    """Read ``path`` as a JSON object; return it and the encoding it was decoded with.

    ``source`` names what writes the format, for messages ("the Benchling connector"). Raises ParseError
    for unreadable, empty, binary or non-JSON content, duplicated keys, infinite numbers and a top level
    that is not an object.
    """
    decoded = read_text(path, encodings=JSON_ENCODINGS)
    text = decoded.text
    try:
        document = _loads(text)
    except _DuplicateKeyError as exc:
        raise ParseError(
            f"Key {exc.key!r} appears twice in one object in '{path}'. "
            "Expected each key once per object (is the export corrupted?).",
            file=path,
            column=exc.key,
        ) from exc
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"Unable to read '{path}' as JSON at line {exc.lineno} column {exc.colno}: {exc.msg}. "
            f"Expected a complete JSON export from {source} (is the file truncated?).",
            file=path,
            line=exc.lineno,
            column=str(exc.colno),
        ) from exc
    except ValueError as exc:
        raise ParseError(
            f"Unable to read the number {exc.args[0]!r} in '{path}'. Expected a finite number.",
            file=path,
        ) from exc
    if not isinstance(document, dict):
        raise ParseError(
            f"The top level of '{path}' is a JSON {json_type(document)}. "
            f"Expected a JSON object from {source}.",
            file=path,
        )
    return document, decoded.encoding


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type (for error messages)."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else type(value).__name__


@lru_cache(maxsize=2)  # the registry hands one head to every JSON parser's sniff: decoded once
def json_head_text(head: bytes) -> str:
    """Best-effort text of a JSON file's first bytes, for sniffing (UTF-8 unless a BOM says otherwise)."""
    encoding = detect_encoding(head) or "utf-8"
    if encoding == "utf-16":
        # An odd-length cut through a UTF-16 head would otherwise fail the whole decode.
        head = head[: len(head) - (len(head) % 2)]
    return head.decode(encoding, errors="ignore")


_OPENS_OBJECT = re.compile("[\ufeff \t\r\n]*\\{")


def starts_json_object(text: str) -> bool:
    """Whether ``text`` (a file's head) opens a JSON object, after any BOM and whitespace."""
    return _OPENS_OBJECT.match(text) is not None  # no stripped copy of the head


def has_json_keys(text: str, keys: tuple[str, ...], *, at_least: int) -> bool:
    """Whether at least ``at_least`` of ``keys`` occur in ``text`` as JSON object keys (any case)."""
    lowered = _ascii_lowered(text)
    found = 0
    for key, quoted, pattern in _key_patterns(keys):
        # ASCII text and key: matching any case is matching the lowered key in the lowered text, and the
        # quoted key's absence (a plain substring test) spares most of the pattern searches.
        if lowered is not None and key.isascii():
            present = quoted in lowered and pattern.search(lowered) is not None
        else:
            present = re.search(r'"' + re.escape(key) + r'"\s*:', text, flags=re.IGNORECASE) is not None
        if present:
            found += 1
            if found >= at_least:
                return True
    return False


@lru_cache(maxsize=2)  # the same head's text is asked about by several sniffs
def _ascii_lowered(text: str) -> str | None:
    return text.lower() if text.isascii() else None


@lru_cache(maxsize=32)
def _key_patterns(keys: tuple[str, ...]) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """Each key, its lowered form in quotes, and the pattern of that as a JSON key (quotes and colon)."""
    return tuple(
        (key, f'"{key.lower()}"', re.compile(r'"' + re.escape(key.lower()) + r'"\s*:')) for key in keys
    )


_ASM_MANIFEST = re.compile(r'"\$asm\.manifest"\s*:')


def names_asm_manifest(text: str) -> bool:
    """Whether ``text`` (a JSON file's head) holds an ``$asm.manifest`` key: an Allotrope Simple Model
    document, which may use the same words as a vendor's own JSON but is read by the ASM parser."""
    # The pattern's quoted key is plain text: its absence (one substring test) spares the pattern's search.
    return '"$asm.manifest"' in text and _ASM_MANIFEST.search(text) is not None
