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
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import ParseError
from ingest.models import FormulaTextPolicy, ParsedFile, Scalar
from parsers._plugin.frame_blocks import arrow_columns, column_dtypes

#: The vectorised pre-check (RE2): any leading space Python's ``\s`` takes (RE2's ``\s`` is ASCII's
#: [\t\n\f\r ] alone), so that it rules out only what :data:`_FORMULA` would not match.
_STARTS_LIKE_FORMULA = r"^[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]*[=+\-@]"
_FORMULA_START_BYTE = re.compile(rb"[=+\-@]")
_FORMULA_START_TEXT = re.compile(r"[=+\-@]")
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


#: Up to this many values, a column is looked at value by value in Python: cheaper than the vectorised
#: pre-check's fixed cost of a few compute calls.
_FEW_VALUES = 64


def _holds_formula_start(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the column's text holds any byte a formula starts with: a test of its bytes a few times
    cheaper than the per-value pattern, which most columns (names, numbers as text) need not meet."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is not None and _FORMULA_START_BYTE.search(memoryview(data)) is not None:
            return True
    return False


def _formula_rows(values: pa.Array | pa.ChunkedArray) -> list[tuple[int, str]]:
    """(row, text) of each value of a text column that looks like a formula, in row order."""
    if not _holds_formula_start(values):
        return []
    if len(values) > _FEW_VALUES:
        candidates = pc.fill_null(pc.match_substring_regex(values, _STARTS_LIKE_FORMULA), False)
        if not pc.any(candidates).as_py():
            return []
    return [
        (row, text)
        for row, text in enumerate(values.to_pylist())
        if text is not None and looks_like_formula(text)
    ]


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would treat ``text`` as a formula (see the module docstring)."""
    return bool(_FORMULA.match(text))


def _may_look_like_formula(text: str) -> bool:
    """False when ``text`` cannot look like a formula: its first character is neither space (what the
    pattern's ``\\s`` takes, as ``str.isspace``) nor one a formula starts with. A test a few times cheaper
    than the pattern, which most text (names, numbers, times) need not meet."""
    first = text[:1]
    return first in _FORMULA_FIRST or first.isspace()


#: What a formula starts with after any space (an empty text is in it too, and goes to the pattern).
_FORMULA_FIRST = "=+-@"


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: with a leading apostrophe."""
    return "'" + text


@dataclasses.dataclass(frozen=True)
class _Finding:
    where: str
    value: str


@dataclasses.dataclass(frozen=True)
class ScreenedText:
    """What screening changed: the text columns with neutralised values, the metadata (neutralised where it
    had to be) and the warning to add; ``warning`` is None when nothing looked like a formula."""

    columns: dict[str, pa.Array]
    metadata: dict[str, Scalar]
    warning: str | None


def screen_text_columns(
    columns: Mapping[str, pa.Array | pa.ChunkedArray],
    metadata: Mapping[str, Scalar],
    *,
    policy: FormulaTextPolicy,
    file: Path,
    line_of: Callable[[int], int | None] | None = None,
    lines_of: Callable[[list[int]], Mapping[int, int]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ScreenedText:
    """Screen result ``columns`` (pyarrow; only text ones are looked at) and ``metadata`` by ``policy``,
    before they are made into a ParsedFile: ParseError under ``refuse``; otherwise what changed.

    ``line_of`` (or ``lines_of``, the lines of several rows at once) maps a result row (0-based) to the
    export's line and ``headers`` a result column to the header it was read from, when the caller knows
    them; otherwise places are given as result rows.
    """
    if policy == "keep":
        return ScreenedText({}, dict(metadata), None)
    found: list[tuple[str, list[tuple[int, str]]]] = []
    for column, values in columns.items():
        if not pa.types.is_string(values.type):
            continue
        rows = _formula_rows(values)
        if rows:
            found.append((column, rows))
    texts, screened, warning = _handled(
        found,
        lambda column: columns[column].to_pylist(),
        metadata,
        policy=policy,
        file=file,
        line_of=line_of,
        lines_of=lines_of,
        headers=headers,
    )
    return ScreenedText({c: pa.array(t, pa.string()) for c, t in texts.items()}, screened, warning)


#: Up to this many values, a column's values are matched one by one (the pattern fails at the first
#: character of most text) rather than first searched together for a formula's first character.
_FEW_TEXTS = 8


def screen_text_lists(
    columns: Mapping[str, list[str | None]],
    metadata: Mapping[str, Scalar],
    *,
    policy: FormulaTextPolicy,
    file: Path,
    lines_of: Callable[[list[int]], Mapping[int, int]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[dict[str, list[str | None]], dict[str, Scalar], str | None]:
    """:func:`screen_text_columns` for text columns held as Python lists (a small file's, before any
    array is made): the same findings, warning and refusal; the changed columns as new lists."""
    if policy == "keep":
        return {}, dict(metadata), None
    found: list[tuple[str, list[tuple[int, str]]]] = []
    for column, values in columns.items():
        if len(values) > _FEW_TEXTS:
            # Most columns hold no character a formula starts with: one search rules them out.
            present = [text for text in values if text is not None]
            if not present or _FORMULA_START_TEXT.search("".join(present)) is None:
                continue
        rows = [
            (row, text)
            for row, text in enumerate(values)
            if text is not None and _may_look_like_formula(text) and looks_like_formula(text)
        ]
        if rows:
            found.append((column, rows))
    return _handled(
        found,
        lambda column: list(columns[column]),
        metadata,
        policy=policy,
        file=file,
        line_of=None,
        lines_of=lines_of,
        headers=headers,
    )


def _handled(
    found: list[tuple[str, list[tuple[int, str]]]],
    texts_of: Callable[[str], list[str | None]],
    metadata: Mapping[str, Scalar],
    *,
    policy: FormulaTextPolicy,
    file: Path,
    line_of: Callable[[int], int | None] | None,
    lines_of: Callable[[list[int]], Mapping[int, int]] | None,
    headers: Mapping[str, str] | None,
) -> tuple[dict[str, list[str | None]], dict[str, Scalar], str | None]:
    """The columns' and metadata's formula-like values (``found``: the columns' rows) handled by
    ``policy``: the changed columns' texts, the metadata and the warning; ParseError under ``refuse``."""
    lines: Mapping[int, int | None] = {}
    if found and lines_of is not None:
        lines = lines_of(sorted({row for _, rows in found for row, _ in rows}))
    elif found and line_of is not None:
        lines = {row: line_of(row) for _, rows in found for row, _ in rows}
    findings: list[_Finding] = []
    replaced: dict[str, list[str | None]] = {}
    for column, rows in found:
        label = (headers or {}).get(column, column)
        texts = texts_of(column)
        for row, text in rows:
            line = lines.get(row)
            where = (
                f"line {line} column '{label}'"
                if line is not None
                else f"result row {row + 1} column '{label}'"
            )
            findings.append(_Finding(where, text))
            texts[row] = neutralised(text)
        replaced[column] = texts
    screened: dict[str, Scalar] = dict(metadata)
    for key, value in metadata.items():
        if isinstance(value, str) and _may_look_like_formula(value) and looks_like_formula(value):
            findings.append(_Finding(f"metadata '{key}'", value))
            screened[key] = neutralised(value)
    if not findings:
        return {}, screened, None
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
    warning = (
        f"'{file}' holds text a spreadsheet would run as a formula: {shown}{more}. It is stored prefixed "
        "with an apostrophe (') so that spreadsheets show it as text (formula_text: neutralise)."
    )
    return replaced, screened, warning


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
    frame = parsed.results
    texts = [
        (position, str(column), dtype)
        for position, (column, dtype) in enumerate(
            zip(frame.columns.tolist(), column_dtypes(frame), strict=True)
        )
        if isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype)
    ]
    dtypes = {column: dtype for _, column, dtype in texts}
    values = arrow_columns(frame, [position for position, _, _ in texts])
    columns = {column: array for (_, column, _), array in zip(texts, values, strict=True)}
    screened = screen_text_columns(
        columns, parsed.metadata, policy=policy, file=file, line_of=line_of, headers=headers
    )
    if screened.warning is None:
        return parsed
    replaced = {
        column: pd.Series(values, dtype=dtypes[column], index=frame.index)
        for column, values in screened.columns.items()
    }
    results = frame.assign(**replaced) if replaced else frame
    return dataclasses.replace(
        parsed,
        results=results,
        metadata=screened.metadata,
        warnings=(*parsed.warnings, screened.warning),
    )
