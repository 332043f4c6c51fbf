"""Text that a spreadsheet would run as a formula (CSV injection): found, then neutralised or refused.

Results and metadata end up in Benchling and, from there, in CSV and Excel exports. A cell such as
``=cmd|' /C calc'!A0`` or ``@SUM(A1:A9)`` in an instrument export is stored as text, but a spreadsheet
opening a later export of it runs it. What counts: text starting with ``=``, or with ``+``, ``-`` or
``@`` followed by formula-like content (a function call, a cell reference with an operator, a ``|``
pipe). Numbers (``-12.5``) and words (``-``, ``- not found``) do not.

The site chooses (``formula_text`` in ``schemas_map.yaml``): ``neutralise`` (the default) prefixes the
text with ``'``, which spreadsheets show as text, and warns; ``refuse`` makes the file a ParseError;
``keep`` stores it as it is.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import ParseError
from ingest.models import FormulaTextPolicy, ParsedFile, Scalar

_STARTS_LIKE_FORMULA = r"^\s*[=+\-@]"
_FORMULA_START_BYTES = tuple(b"=+-@")
_FORMULA = re.compile(
    r"""^\s*(?:
        =\s*\S
      | [+\-@].*?(?:
            [A-Za-z_][\w.]*\s*\(                          # a function call: SUM(, HYPERLINK(
          | \|                                            # a DDE pipe: cmd|' /C calc'!A0
          | \$?[A-Za-z]{1,3}\$?\d+\s*(?:[-+*/^&=<>:!]|$)  # a cell reference with an operator: A1+
        )
    )""",
    re.VERBOSE,
)

#: How many offending values a warning or error lists before it only counts the rest.
_SHOWN = 5


def _holds_formula_start(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the column's text holds any byte a formula starts with: a test of its bytes a few times
    cheaper than the per-value pattern, which most columns (names, numbers as text) need not meet."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        text = np.frombuffer(data, np.uint8)
        if any(np.any(text == byte) for byte in _FORMULA_START_BYTES):
            return True
    return False


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would treat ``text`` as a formula (see the module docstring)."""
    return bool(_FORMULA.match(text))


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: with a leading apostrophe."""
    return "'" + text


@dataclasses.dataclass(frozen=True)
class _Finding:
    where: str
    value: str


def screen_formula_text(
    parsed: ParsedFile,
    *,
    policy: FormulaTextPolicy,
    file: Path,
    line_of: Callable[[int], int | None] | None = None,
    headers: dict[str, str] | None = None,
) -> ParsedFile:
    """``parsed`` with formula-like text in result columns and metadata handled by ``policy``.

    ``line_of`` maps a result row (0-based) to the export's line and ``headers`` a result column to the
    header it was read from, when the caller knows them; otherwise places are given as result rows.
    """
    if policy == "keep":
        return parsed
    findings: list[_Finding] = []
    frame = parsed.results
    replaced: dict[str, pd.Series] = {}
    for column, dtype in zip(frame.columns, frame.dtypes, strict=True):
        if not (isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype)):
            continue
        values = pa.array(frame[column])
        if not _holds_formula_start(values):
            continue
        candidates = pc.fill_null(pc.match_substring_regex(values, _STARTS_LIKE_FORMULA), False)
        if not pc.any(candidates).as_py():
            continue
        texts = values.to_pylist()
        changed = False
        for row, text in enumerate(texts):
            if text is None or not looks_like_formula(text):
                continue
            line = line_of(row) if line_of is not None else None
            label = (headers or {}).get(str(column), str(column))
            where = (
                f"line {line} column '{label}'"
                if line is not None
                else f"result row {row + 1} column '{label}'"
            )
            findings.append(_Finding(where, text))
            texts[row] = neutralised(text)
            changed = True
        if changed:
            replaced[str(column)] = pd.Series(pa.array(texts, pa.string()), dtype=dtype, index=frame.index)
    metadata: dict[str, Scalar] = dict(parsed.metadata)
    for key, value in parsed.metadata.items():
        if isinstance(value, str) and looks_like_formula(value):
            findings.append(_Finding(f"metadata '{key}'", value))
            metadata[key] = neutralised(value)
    if not findings:
        return parsed
    shown = "; ".join(f"{f.value!r} ({f.where})" for f in findings[:_SHOWN])
    more = f" and {len(findings) - _SHOWN} more" if len(findings) > _SHOWN else ""
    if policy == "refuse":
        first = findings[0]
        raise ParseError(
            f"'{file}' holds text a spreadsheet would run as a formula: {shown}{more}. Expected plain text "
            "(schemas_map.yaml sets formula_text: refuse; 'neutralise' would store it prefixed with an "
            "apostrophe instead).",
            file=file,
            column=first.where,
        )
    results = frame.assign(**replaced) if replaced else frame
    warning = (
        f"'{file}' holds text a spreadsheet would run as a formula: {shown}{more}. It is stored prefixed "
        "with an apostrophe (') so that spreadsheets show it as text (formula_text: neutralise)."
    )
    return dataclasses.replace(
        parsed, results=results, metadata=metadata, warnings=(*parsed.warnings, warning)
    )
