"""One object of an ASM document, read through ASM's own vocabulary, with errors that say where.

ASM states every measured or set quantity as ``{"value": 1.328, "unit": "mAU"}`` (a :class:`Quantity`);
documents repeat as lists under ``<name> aggregate document`` / ``<name> document`` pairs; free-form
values sit in ``custom information document`` objects. Converters write a placeholder (often ``-0.0``)
where the instrument gave no value, and say so in an ``error aggregate document`` whose ``error
feature`` names the quantity: :meth:`AsmNode.errors` reads those, and the technique readers drop the
placeholder. Text values ``N/A`` (allotropy's word for "not in the file") read as missing; the Greek
mu (U+03BC) in units reads as the micro sign (U+00B5), so one unit has one spelling.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._asm.vocabulary import UNIT_SYNONYMS

CUSTOM_INFORMATION = "custom information document"
#: What converters write for a value the instrument file does not give (allotropy's "N/A").
NOT_GIVEN = frozenset({"N/A", "n/a"})


@dataclass(frozen=True)
class Quantity:
    """A value with its unit as the document states them; ``value`` is None for NaN or null."""

    value: float | None
    unit: str | None


def is_quantity(value: Any) -> bool:
    return isinstance(value, Mapping) and "value" in value and ("unit" in value or "@type" in value)


def is_cube(value: Any) -> bool:
    return isinstance(value, Mapping) and "cube-structure" in value and "data" in value


class AsmNode:
    """A JSON object of the document and its path (``plate reader document[3]...``) for messages."""

    def __init__(self, obj: Mapping[str, Any], *, file: Path, where: str) -> None:
        self.obj = obj
        self.file = file
        self.where = where

    def __contains__(self, key: str) -> bool:
        return key in self.obj

    def fail(self, key: str, value: Any, expected: str) -> ParseError:
        """A ParseError naming the file, this object's path, the key, the value and what was expected."""
        return ParseError(
            f"Unable to read '{key}' at {self.where} in '{self.file}': found {value!r}. Expected {expected}.",
            file=self.file,
            column=key,
            json_path=self.where,
        )

    def child(self, key: str) -> AsmNode | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(key, value, "an object")
        return AsmNode(value, file=self.file, where=f"{self.where}.{key}")

    def children(self, key: str) -> list[AsmNode]:
        """The objects of the list under ``key`` (a single object counts as a list of one)."""
        value = self.obj.get(key)
        if value is None:
            return []
        if isinstance(value, Mapping):
            return [AsmNode(value, file=self.file, where=f"{self.where}.{key}")]
        if not isinstance(value, list):
            raise self.fail(key, value, "a list of objects")
        nodes = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise self.fail(f"{key}[{index}]", item, "an object")
            nodes.append(AsmNode(item, file=self.file, where=f"{self.where}.{key}[{index}]"))
        return nodes

    def documents(self, name: str) -> list[AsmNode]:
        """The ``<name> document`` objects inside ``<name> aggregate document``."""
        aggregate = self.child(f"{name} aggregate document")
        return aggregate.children(f"{name} document") if aggregate is not None else []

    def text(self, key: str) -> str | None:
        """A text value (numbers written as text are kept as they are written); None when absent/empty."""
        value = self.obj.get(key)
        if value is None or isinstance(value, (Mapping, list)):
            if isinstance(value, (Mapping, list)):
                raise self.fail(key, value, "text")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        return text if text and text not in NOT_GIVEN else None

    def quantity(self, key: str) -> Quantity | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if not is_quantity(value):
            raise self.fail(key, value, 'a quantity like {"value": 1.5, "unit": "mAU"}')
        return _quantity(self, key, value)

    def quantities(self) -> Iterator[tuple[str, Quantity]]:
        """Every quantity directly in this object, in document order."""
        for key, value in self.obj.items():
            if is_quantity(value):
                yield key, _quantity(self, key, value)

    def scalars(self) -> Iterator[tuple[str, str | float | bool]]:
        """Every text, number or boolean directly in this object, in document order."""
        for key, value in self.obj.items():
            if isinstance(value, str):
                if value.strip() and value.strip() not in NOT_GIVEN:
                    yield key, value.strip()
            elif isinstance(value, bool) or (isinstance(value, (int, float)) and _finite(value)):
                yield key, value

    def custom_information(self) -> dict[str, str | float | bool]:
        """The scalars of this object's ``custom information document``, if any."""
        custom = self.child(CUSTOM_INFORMATION)
        return dict(custom.scalars()) if custom is not None else {}

    def error_pairs(self) -> list[tuple[str, str]]:
        """(``error feature``, ``error``) of this object's error documents, as written."""
        pairs = []
        for document in self.documents("error"):
            error = document.text("error")
            if error:
                pairs.append((document.text("error feature") or "", error))
        return pairs

    def errors(self) -> dict[str, str]:
        """``error feature`` (lower case) -> ``error`` of this object's error documents."""
        found: dict[str, str] = {}
        for feature, error in self.error_pairs():
            key = feature.lower()
            found[key] = f"{found[key]}; {error}" if key in found else error
        return found


def _finite(value: float) -> bool:
    return not (isinstance(value, float) and not math.isfinite(value))


def _quantity(node: AsmNode, key: str, raw: Mapping[str, Any]) -> Quantity:
    value = raw.get("value")
    unit = raw.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise node.fail(f"{key}.unit", unit, "a unit as text")
    if unit is not None:
        unit = UNIT_SYNONYMS.get(unit, unit)
    if value is None or (isinstance(value, str) and value.strip().lower() in ("nan", "")):
        return Quantity(None, unit)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise node.fail(f"{key}.value", value, "a number")
    number = float(value)
    return Quantity(number if math.isfinite(number) else None, unit)
