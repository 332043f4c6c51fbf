"""Tolerant, typed access to the objects of a JSON export.

Exporter versions differ in key spelling (Benchling's connectors write "retention time" for Chromeleon,
"RetentionTime" for Empower, other casings and spacings in other releases), so keys are matched after
lower-casing and dropping everything but letters and digits. Every bad value becomes a ParseError
naming the file, the JSON path of the object, the field, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._common.json_document import json_type
from parsers._common.numbers import parse_number

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)  # a file repeats the same few dozen keys in every peak
def normalize_key(key: str) -> str:
    """``"Retention Time"``, ``"retention_time"`` and ``"RetentionTime"`` all become ``"retentiontime"``."""
    return _NOT_ALNUM.sub("", key.lower())


#: What ``dict.get`` gives for a key that is absent (a JSON value can be null, so None cannot say it).
_ABSENT: Any = object()

#: Key sets seen -> their index (normalized key -> key, and the normalized keys given twice): an export
#: repeats the same objects (every peak, every signal), and each index is only read.
_KEY_INDEXES: dict[tuple[str, ...], tuple[dict[str, str], frozenset[str]]] = {}


def _key_index(keys: tuple[str, ...]) -> tuple[dict[str, str], frozenset[str]]:
    found = _KEY_INDEXES.get(keys)
    if found is not None:
        return found
    by_key: dict[str, str] = {}
    ambiguous: set[str] = set()
    for key in keys:
        norm = normalize_key(key)
        if norm in by_key:
            ambiguous.add(norm)
        else:
            by_key[norm] = key
    index = (by_key, frozenset(ambiguous))
    if len(keys) <= 64:  # bounded, whatever a hostile file holds
        if len(_KEY_INDEXES) >= 512:
            _KEY_INDEXES.clear()
        _KEY_INDEXES[keys] = index
    return index


class Fields:
    """One JSON object of the export, read through normalized keys.

    A key spelt exactly as asked for wins; otherwise the one key with the same normalized form is
    used, and two such keys (``"Area"`` and ``"AREA"``) are an error rather than a guess.

    ``where`` is the object's JSON path (``injections[2].signals[0].peaks[1]``), used in errors.
    """

    def __init__(self, obj: Mapping[str, Any], *, file: Path, where: str) -> None:
        self.file = file
        self.where = where
        self._obj = obj
        # Made when a name is not spelt as in the export: most objects are read by their own spellings.
        self._index: tuple[dict[str, str], frozenset[str]] | None = None

    def _key(self, name: str) -> str | None:
        if name in self._obj:
            return name
        return self._key_by_norm(name)

    def _key_by_norm(self, name: str) -> str | None:
        """The key spelt otherwise than ``name`` with its normalized form (ParseError when two are)."""
        index = self._index
        if index is None:
            index = self._index = _key_index(tuple(self._obj))
        by_key, ambiguous = index
        norm = normalize_key(name)
        if norm in ambiguous:
            spellings = sorted(k for k in self._obj if normalize_key(k) == norm)
            raise ParseError(
                f"Field '{name}' at {self.where} in '{self.file}' is given more than once, as {spellings}. "
                "Expected it once.",
                file=self.file,
                column=name,
                json_path=self.where,
            )
        return by_key.get(norm)

    def has(self, *names: str) -> bool:
        """Whether any of ``names`` is present (even with a null value)."""
        return any(self._key(name) is not None for name in names)

    def raw(self, *names: str) -> tuple[str, Any]:
        """The first of ``names`` present with a non-null value, as (key, value); else (names[0], None)."""
        return self._found(names)

    def _found(self, names: tuple[str, ...]) -> tuple[str, Any]:
        obj = self._obj
        for name in names:
            value = obj.get(name, _ABSENT)  # spelt as asked: the common case, looked up once
            if value is _ABSENT:
                key = self._key_by_norm(name)
                if key is None:
                    continue
                name, value = key, obj[key]
            if value is not None:
                return name, value
        return names[0], None

    def text(self, *names: str) -> str | None:
        """A text field; numbers are written as text, blank text is None."""
        key, value = self._found(names)
        if type(value) is str:  # the common case first; what the general branch below does for text
            return value.strip() or None
        if value is None:
            return None
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return None if math.isnan(value) else repr(value)
        if isinstance(value, str):
            stripped = value.strip()
            return stripped or None
        raise self._error(key, value, "a text value")

    def timestamp(self, *names: str) -> str | None:
        """An ISO 8601 date-time text field, kept as written (with its UTC offset only if it has one)."""
        text = self.text(*names)
        if text is None:
            return None
        try:
            dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise self._error(self.raw(*names)[0], text, "an ISO 8601 date and time") from exc
        return text

    def number(self, *names: str) -> float | None:
        """A numeric field; numeric text (decimal point or comma) is accepted, missing markers are None."""
        key, value = self._found(names)
        if type(value) is float:  # the common case first: float() of a float is itself
            return None if value != value else value  # only NaN differs from itself
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._error(key, value, "a number")
        if isinstance(value, (int, float)):
            try:
                number = float(value)
            except OverflowError:  # a JSON integer beyond a double
                raise self._error(key, value, "a number up to about 1.8e308") from None
            return None if math.isnan(number) else number
        if isinstance(value, str):
            try:
                return parse_number(value, file=self.file, column=key)
            except ParseError as exc:
                raise self._error(key, value, "a number (point or comma as the decimal mark)") from exc
        raise self._error(key, value, "a number")

    def integer(self, *names: str) -> int | None:
        """A whole-number field (``3``, ``3.0`` or ``"3"``)."""
        key, _ = self.raw(*names)
        number = self.number(*names)
        if number is None:
            return None
        if not number.is_integer():
            raise self._error(key, number, "a whole number")
        return int(number)

    def child(self, name: str) -> Fields | None:
        """A nested object, or None when absent or null."""
        key, value = self._found((name,))
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self._error(key, value, "a JSON object")
        return Fields(value, file=self.file, where=f"{self.where}.{key}")

    def children(self, name: str) -> list[Fields]:
        """A list of objects; absent or null is an empty list."""
        key, value = self._found((name,))
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._error(key, value, "a JSON array of objects")
        items: list[Fields] = []
        for index, item in enumerate(value):
            where = f"{self.where}.{key}[{index}]"
            if not isinstance(item, Mapping):
                raise ParseError(
                    f"Item {where} in '{self.file}' is a JSON {json_type(item)}. Expected a JSON object.",
                    file=self.file,
                    column=key,
                    json_path=where,
                )
            items.append(Fields(item, file=self.file, where=where))
        return items

    def array(self, name: str) -> list[Any] | None:
        """A raw JSON array, or None when absent or null."""
        key, value = self._found((name,))
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._error(key, value, "a JSON array")
        return value

    def scalars(self) -> dict[str, Any]:
        """The object's text, number and boolean fields as they are (for metadata pass-through)."""
        return {k: v for k, v in self._obj.items() if isinstance(v, (str, int, float, bool))}

    def _error(self, key: str, value: Any, expected: str) -> ParseError:
        shown = repr(value) if not isinstance(value, (dict, list)) else f"a JSON {json_type(value)}"
        return ParseError(
            f"Unable to read field '{key}' at {self.where} in '{self.file}': found {shown}. "
            f"Expected {expected}.",
            file=self.file,
            column=key,
            json_path=self.where,
        )


def root_fields(document: Mapping[str, Any], *, file: Path) -> Fields:
    """The export's top-level object."""
    return Fields(document, file=file, where="$")
