"""Numbers as instrument PCs write them: a decimal point or comma, thousands grouping, missing markers.

The same export format carries either decimal mark, by the acquiring PC's locale, and some locales group
thousands: ``1,052.045776`` (en-US), ``1.052,04`` (de-DE), ``1 052,04`` (fr-FR), ``1'052.04`` (de-CH).
A lone ``1,052`` could be either, so the mark is decided from the file's own evidence, once per column or
file (:func:`decide_number_format`): a value with both marks, a mark that repeats, or a mark not followed
by exactly three digits shows which one is the decimal mark. When nothing shows it, the site's setting
(``decimal`` in ``schemas_map.yaml``) decides; a value that still cannot be read either way is a
ParseError naming the file, line, column and value.

:func:`parse_number` without a ``number_format`` keeps its original, stricter reading (point or comma
as the decimal mark, no grouping) for plugins written against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ingest.errors import ParseError

#: A decimal number with a point or a comma as the decimal mark and an optional exponent (no anchors).
DECIMAL = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"

#: Cell texts that mean "no value" (compared trimmed and lower-cased).
MISSING_MARKERS: frozenset[str] = frozenset({"", "-", "--", "---", "n.a.", "n.a", "na", "nan", "n/a"})

#: The per-site setting of ``schemas_map.yaml`` (``decimal``) a parser may be given in its hints.
DecimalSetting = Literal["comma", "point"]

#: Characters that group thousands besides the point or comma that is not the decimal mark.
GROUPING_SPACES = " \u00a0\u202f'’"

_NUMBER = re.compile(rf"^{DECIMAL}$")
_PADDED_NUMBER = re.compile(rf"^\s*{DECIMAL}\s*$")
# A number as a locale may write it: sign, digits with any grouping, marks, exponent. Used to pick
# evidence and to read; what the marks mean is decided separately.
_LOCALE_NUMBER = re.compile(r"^[+-]?(?:\d[\d.,\u00a0\u202f '’]*)?[.,]?\d*(?:[eE][+-]?\d+)?$")
_SPACES = re.compile(r"[ \u00a0\u202f'’]")


def is_decimal(text: str) -> bool:
    """Whether ``text`` (surrounding whitespace allowed) is one decimal number, point or comma."""
    return bool(_PADDED_NUMBER.match(text))


@dataclass(frozen=True)
class NumberFormat:
    """The decimal mark of a column or file: ``"."``, ``","`` or None when nothing decided it.

    ``decided_by`` names what decided it (a value of the file, the site's setting), for messages.
    """

    decimal: Literal[".", ","] | None
    decided_by: str = ""

    @property
    def grouping(self) -> str:
        """The characters that may group thousands under this decimal mark."""
        if self.decimal == ".":
            return "," + GROUPING_SPACES
        if self.decimal == ",":
            return "." + GROUPING_SPACES
        return GROUPING_SPACES


def _mantissa(text: str) -> str:
    return re.split(r"[eE]", text, maxsplit=1)[0].lstrip("+-")


def _grouped(whole: str, group: str) -> bool:
    """Whether ``whole`` is digits grouped in threes by ``group`` (``1,052,045``)."""
    return bool(re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+", whole))


#: A value with one mark and nothing else but digits and a sign: most values, decided without the
#: general reading below (which gives the same answer for them).
_ONE_MARK = re.compile(r"[+-]?(\d*)([.,])(\d*)")


def decimal_mark_of(value: str) -> Literal[".", ","] | None:
    """The decimal mark a single value shows by itself, or None (no mark, ``1,052``-like ambiguity, or a
    text that is not a number such as the date ``21.2.2012``)."""
    text = value.strip()
    if "." not in text and "," not in text:
        return None  # no mark at all
    simple = _ONE_MARK.fullmatch(text)
    if simple is not None:
        whole, mark, decimals = simple.groups()
        ambiguous = len(decimals) == 3 and whole and not whole.startswith("0") and len(whole) <= 3
        return None if ambiguous else mark  # type: ignore[return-value]  # the pattern's '.' or ','
    return _decimal_mark_of_any(text)


def _decimal_mark_of_any(text: str) -> Literal[".", ","] | None:
    """``decimal_mark_of`` of a trimmed text, by the general reading."""
    if not text or not _LOCALE_NUMBER.match(text):
        return None
    mantissa = _SPACES.sub("", _mantissa(text))
    points, commas = mantissa.count("."), mantissa.count(",")
    if points + commas == 0:
        return None
    if points and commas:
        mark: Literal[".", ","] = "." if mantissa.rfind(".") > mantissa.rfind(",") else ","
        whole = mantissa.rpartition(mark)[0]
        return mark if (whole.count(mark) == 0 and _grouped(whole, "," if mark == "." else ".")) else None
    mark = "." if points else ","
    if points + commas > 1:
        # A repeated mark groups thousands, so the other one is the decimal mark.
        return ("," if mark == "." else ".") if _grouped(mantissa, mark) else None
    whole, _, decimals = mantissa.partition(mark)
    if len(decimals) != 3 or not whole or whole.startswith("0") or len(whole) > 3:
        return mark
    if re.search(r"\d[ \u00a0\u202f'’]\d", _mantissa(text)):
        return mark  # "1 052,500": spaces group, so the mark is the decimal one
    return None


def decide_number_format(
    values: Iterable[str], *, hint: DecimalSetting | None = None, fallback: NumberFormat | None = None
) -> NumberFormat:
    """The decimal mark of ``values`` (a column or a whole file), from the first value that shows it.

    Falls back to ``fallback`` (a wider scope's decision, e.g. the file's for one column), then to
    ``hint`` (the site's ``decimal`` setting), else an undecided format. Values contradicting the
    decision are reported by :func:`parse_number` when read.
    """
    for value in values:
        mark = decimal_mark_of(value)
        if mark is not None:
            return NumberFormat(mark, decided_by=f"the value {value.strip()!r}")
    if fallback is not None and fallback.decimal is not None:
        return fallback
    if hint is not None:
        return NumberFormat("," if hint == "comma" else ".", decided_by="the site's decimal setting")
    return NumberFormat(None)


def _where(file: Path, line: int | None, column: str | None) -> str:
    return (
        f"'{file}'"
        + (f" line {line}" if line is not None else "")
        + (f" column '{column}'" if column else "")
    )


@lru_cache(maxsize=4)
def _formatted(mark: str) -> re.Pattern[str]:
    """A number with ``mark`` as the decimal mark: sign, digits (grouped or not), fraction, exponent."""
    group = "," if mark == "." else "."
    grouped = rf"\d{{1,3}}(?:[{re.escape(group + GROUPING_SPACES)}]\d{{3}})+"
    return re.compile(
        rf"^(?P<sign>[+-]?)(?P<whole>{grouped}|\d+)?(?:{re.escape(mark)}(?P<fraction>\d*))?"
        r"(?P<exponent>[eE][+-]?\d+)?$"
    )


#: Ungrouped numbers with a point or a comma, read without the general pattern (traces hold thousands).
_PLAIN = {
    ".": re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"),
    ",": re.compile(r"[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?"),
}


def _read_formatted(
    raw: str, text: str, fmt: NumberFormat, *, file: Path, line: int | None, column: str | None
) -> float:
    if fmt.decimal is not None and _PLAIN[fmt.decimal].fullmatch(text):
        return float(text.replace(",", ".") if fmt.decimal == "," else text)
    mark = fmt.decimal or decimal_mark_of(text)
    if mark is None:
        if re.search(r"\d[.,]\d", text):
            raise ParseError(
                f"Unable to read {raw.strip()!r} as a number in {_where(file, line, column)}: it could be "
                "grouped thousands or a decimal fraction, and nothing in the file shows which mark is the "
                "decimal one. Expected a file with an unambiguous value (such as '12,5' or '1,052.04'), or "
                "'decimal: comma' or 'decimal: point' in schemas_map.yaml.",
                file=file,
                line=line,
                column=column,
            )
        mark = "."
    match = _formatted(mark).match(text)
    if match is None or (match["whole"] is None and not match["fraction"]):
        decided = f" ({fmt.decided_by} shows it)" if fmt.decided_by else ""
        raise ParseError(
            f"Unable to read {raw.strip()!r} as a number in {_where(file, line, column)}. Expected a number "
            f"with {'a decimal point' if mark == '.' else 'a decimal comma'}{decided}, thousands grouped by "
            f"{'commas' if mark == '.' else 'points'} or spaces if at all.",
            file=file,
            line=line,
            column=column,
        )
    whole = match["whole"] or "0"
    if not whole.isdigit():
        whole = re.sub(r"\D", "", whole)
    return float(f"{match['sign']}{whole}.{match['fraction'] or '0'}{match['exponent'] or ''}")


def parse_number(
    raw: str,
    *,
    file: Path,
    line: int | None = None,
    column: str | None = None,
    number_format: NumberFormat | None = None,
) -> float | None:
    """Parse a number; missing markers give None.

    With a ``number_format`` (see :func:`decide_number_format`) the decided decimal mark is used and
    the other mark, spaces and apostrophes may group thousands (``1,052.04``, ``1.052,04``,
    ``1 052,04``). Without one, a point or a comma is the decimal mark and thousands separators are not
    accepted (``1,234.5`` is reported rather than guessed), as in earlier releases.
    """
    text = raw.strip()
    if text.lower() in MISSING_MARKERS:
        return None
    if number_format is not None:
        value = _read_formatted(raw, text, number_format, file=file, line=line, column=column)
    else:
        compact = text.replace("\u00a0", "").replace(" ", "")
        if not _NUMBER.match(compact):
            raise ParseError(
                f"Unable to read {raw.strip()!r} as a number in {_where(file, line, column)}. "
                "Expected a decimal number (point or comma as the decimal mark).",
                file=file,
                line=line,
                column=column,
            )
        value = float(compact.replace(",", "."))
    if math.isinf(value):
        raise ParseError(
            f"Value {raw.strip()!r} in {_where(file, line, column)} is out of range. "
            "Expected a finite number.",
            file=file,
            line=line,
            column=column,
        )
    return value


def require_number(
    value: float | None, raw: str, *, file: Path, line: int | None, column: str, what: str
) -> float:
    """``value`` when it is a number; a ParseError naming the file, line, column and ``what`` needs it
    when the cell was blank or a missing marker (``NaN``, ``n.a.``)."""
    if value is None or math.isnan(value):
        shown = repr(raw.strip()) if raw.strip() else "a blank cell"
        raise ParseError(
            f"Found {shown} in {_where(file, line, column)} where a number is required: {what}. "
            "Expected a number.",
            file=file,
            line=line,
            column=column,
        )
    return value
