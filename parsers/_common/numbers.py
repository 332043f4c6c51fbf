"""Numbers as instrument PCs write them: a decimal point or a decimal comma, and missing-value markers.

Decimal commas appear wherever the acquiring PC's locale uses them; the same export format may carry
either mark. Thousands separators are never accepted: ``1,234`` is ambiguous in an export and is
reported rather than guessed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ingest.errors import ParseError

#: A decimal number with a point or a comma as the decimal mark and an optional exponent (no anchors).
DECIMAL = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"

#: Cell texts that mean "no value" (compared trimmed and lower-cased).
MISSING_MARKERS: frozenset[str] = frozenset({"", "-", "--", "---", "n.a.", "n.a", "na", "nan", "n/a"})

_NUMBER = re.compile(rf"^{DECIMAL}$")
_PADDED_NUMBER = re.compile(rf"^\s*{DECIMAL}\s*$")


def is_decimal(text: str) -> bool:
    """Whether ``text`` (surrounding whitespace allowed) is one decimal number, point or comma."""
    return bool(_PADDED_NUMBER.match(text))


def parse_number(raw: str, *, file: Path, line: int | None = None, column: str | None = None) -> float | None:
    """Parse a number written with a decimal point or a decimal comma; missing markers give None.

    Thousands separators are not accepted: a value such as ``1,234.5`` is ambiguous in exports and is
    reported rather than guessed.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if text.lower() in MISSING_MARKERS:
        return None
    if not _NUMBER.match(text):
        where = f" line {line}" if line is not None else ""
        col = f" column '{column}'" if column else ""
        raise ParseError(
            f"Unable to read {raw.strip()!r} as a number in '{file}'{where}{col}. "
            "Expected a decimal number (point or comma as the decimal mark).",
            file=file,
            line=line,
            column=column,
        )
    value = float(text.replace(",", "."))
    if math.isinf(value):
        raise ParseError(
            f"Value {raw.strip()!r} in '{file}' line {line} is out of range.",
            file=file,
            line=line,
            column=column,
        )
    return value
