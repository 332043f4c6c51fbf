"""Whole columns of numeric text (pyarrow) read with one decided decimal mark, for tables of many rows.

The column-wise counterpart of :mod:`parsers._common.numbers`: the decimal mark is decided from the
column's own values (falling back to the file's, then to the site's setting), and the column is read in
one vectorised pass. A value that does not fit is reported by position, so the caller can name its line
and let :func:`parsers._common.numbers.parse_number` word the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from parsers._common.numbers import (
    GROUPING_SPACES,
    MISSING_MARKERS,
    DecimalSetting,
    NumberFormat,
    decide_number_format,
)

_MISSING = pa.array(sorted(MISSING_MARKERS))


def present_texts(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Trimmed texts with blanks and missing markers (``n.a.``, ``NaN``...) as nulls."""
    trimmed = pc.utf8_trim_whitespace(values)
    missing = pc.is_in(pc.utf8_lower(trimmed), value_set=_MISSING)
    return pc.if_else(missing, pa.scalar(None, pa.string()), trimmed)


def column_format(
    columns: Iterable[pa.ChunkedArray | pa.Array],
    *,
    hint: DecimalSetting | None = None,
    fallback: NumberFormat | None = None,
) -> NumberFormat:
    """The decimal mark ``columns`` show (their distinct present values), else ``fallback``, else ``hint``."""
    distinct: list[str] = []
    for values in _batched(list(columns)):
        distinct.extend(v for v in pc.unique(present_texts(values)).to_pylist() if v is not None)
    return decide_number_format(distinct, hint=hint, fallback=fallback)


#: Up to this many values in all, columns are looked at as one (see ``_batched``).
_BATCH_VALUES = 1 << 14


def _batched(columns: list[pa.ChunkedArray | pa.Array]) -> list[pa.ChunkedArray | pa.Array]:
    """``columns`` as one column when they are few values of one type, else as they are.

    The decision is the same either way: it is taken from the first value, in column order, that
    shows a mark, and dropping repeats of earlier values never changes which value that is. For a few
    rows, each compute call's fixed cost is most of the time; a large table is left column by column so
    that no pass holds more than one column's copy.
    """
    if len(columns) < 2 or sum(len(c) for c in columns) > _BATCH_VALUES:
        return columns
    if any(c.type != columns[0].type for c in columns):
        return columns
    chunks = [chunk for c in columns for chunk in (c.chunks if isinstance(c, pa.ChunkedArray) else [c])]
    return [pa.chunked_array(chunks, columns[0].type)]


def number_pattern(mark: str | None) -> str:
    """The regular expression of one number under ``mark`` (RE2, or Python ``re`` with ASCII digits)."""
    if mark is None:
        return r"^[+-]?\d+(?:[eE][+-]?\d+)?$"
    group = "," if mark == "." else "."
    grouped = rf"\d{{1,3}}(?:[{re.escape(group + GROUPING_SPACES)}]\d{{3}})+"
    return rf"^[+-]?(?:(?:{grouped}|\d+)(?:{re.escape(mark)}\d*)?|{re.escape(mark)}\d+)(?:[eE][+-]?\d+)?$"


def fits(values: pa.ChunkedArray | pa.Array, fmt: NumberFormat) -> bool:
    """Whether every present value of ``values`` is a number under ``fmt`` (and at least one is present)."""
    present = present_texts(values)
    if present.null_count == len(present):
        return False
    return bool(
        pc.all(pc.fill_null(pc.match_substring_regex(present, number_pattern(fmt.decimal)), True)).as_py()
    )


def to_floats(values: pa.ChunkedArray, fmt: NumberFormat) -> tuple[pa.ChunkedArray, int | None]:
    """``values`` as float64 (missing markers -> null) and the 0-based row of the first value that is not
    a finite number under ``fmt`` (None when all are)."""
    present = present_texts(values)
    valid = pc.fill_null(pc.match_substring_regex(present, number_pattern(fmt.decimal)), True)
    if not pc.all(valid).as_py():
        return pa.chunked_array([pa.nulls(len(values), pa.float64())]), pc.index(valid, False).as_py()
    cleaned = (
        pc.replace_substring_regex(present, f"[{re.escape(fmt.grouping)}]", "") if fmt.decimal else present
    )
    if fmt.decimal == ",":
        cleaned = pc.replace_substring(cleaned, ",", ".")
    floats = pc.cast(cleaned, pa.float64())
    infinite = pc.fill_null(pc.is_inf(floats), False)
    if pc.any(infinite).as_py():
        return floats, pc.index(infinite, True).as_py()
    return floats, None
