"""The small-file path of the LC results CSV parser: a file of a few KiB read and typed in plain Python.

A 20-row export costs pyarrow's CSV reader and a few dozen compute calls about a millisecond of fixed
cost each time; the same work on Python lists costs a fraction of that. This path gives exactly what the
ordinary path (:func:`parsers.lc_results_csv.parser.read_general_columns` and what follows it) gives,
by the same rules applied value by value:

- cells trimmed as ``utf8_trim_whitespace`` trims (``str.strip``: the same Unicode whitespace), blanks
  and missing markers (``n.a.``, ``NaN``...) as nulls, compared lower-cased (only ASCII text can be one);
- decimal marks decided from the same values in the same order (``decide_number_format``), numbers
  checked by the same pattern (``number_pattern``, ASCII digits) and read by ``float`` (correctly
  rounded, as pyarrow's cast is);
- run metadata, constant columns, chromatograms, formula text and warnings as the ordinary path words them.

It never words a refusal: anything it would refuse, and any file it does not split itself (see
:mod:`parsers.lc_results_csv.small_table`), makes it answer None, and the ordinary path reads the file
again and words the error. So the two paths agree on bad input by construction, and on good input by the
tests that run both (``tests/unit/parsers/test_lc_small_path.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from ingest.contract import RESULT_COLUMNS
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar, Trace
from parsers._common.dates import DateReader
from parsers._common.number_columns import number_pattern
from parsers._common.numbers import MISSING_MARKERS, NumberFormat, decide_number_format
from parsers._plugin.formula_text import screen_text_lists
from parsers._plugin.frame_blocks import frame_of_arrow_columns
from parsers.lc_results_csv.columns import ColumnLayout, resolve_headers, snake_case
from parsers.lc_results_csv.constant_columns import add_constant_columns, constant_list
from parsers.lc_results_csv.constants import NUMERIC, REQUIRED_VALUES, RUN_LEVEL, TRACE_SUFFIXES, UNIT_COLUMNS
from parsers.lc_results_csv.notes import no_chromatogram_column, trace_not_found, unnamed_column
from parsers.lc_results_csv.small_table import SMALL_FILE_BYTES, SmallTable, read_small_table
from parsers.lc_results_csv.trace import read_trace

Values = list[str | None]
Numbers = list[float | None]
#: A result column's values: text, floats or integers, None where empty (one kind per column).
Column = list[Any]

_PATTERNS = {mark: re.compile(number_pattern(mark), re.ASCII) for mark in (None, ".", ",")}
_GROUPING = {mark: re.compile(f"[{re.escape(NumberFormat(mark).grouping)}]") for mark in (".", ",")}
_POINT = NumberFormat(".")
_COMMA = NumberFormat(",")
_INT64_LIMIT = 2.0**63


class _NotSmall(Exception):
    """The file needs the ordinary path (a value it would refuse, or a rule not mirrored here)."""


def parse_small(
    path: Path, hints: ParseHints, *, parser: str, version: str, limit: int = SMALL_FILE_BYTES
) -> ParsedFile | None:
    """``path`` parsed by the small path, or None when the ordinary path must read it (see the module
    docstring)."""
    table = read_small_table(path, limit)
    if table is None:
        return None
    try:
        return _parsed(table, hints, parser=parser, version=version)
    except (_NotSmall, ParseError):
        return None


def _parsed(table: SmallTable, hints: ParseHints, *, parser: str, version: str) -> ParsedFile:
    path = table.file
    layout = resolve_headers(table.headers, file=path)
    cells = _Cells(table)
    file_format = _file_number_format(cells, layout, hints)
    columns = _result_columns(cells, layout, file_format, hints)
    warnings: list[str] = []
    extras = _extra_columns(cells, layout, file_format, hints, warnings)
    date_warnings: list[str] = []
    metadata = _run_metadata(table, layout, columns, extras, hints, date_warnings)
    trace_warnings: list[str] = []
    traces, attachments = _chromatograms(table, layout, extras.get("chromatogram"), columns, trace_warnings)
    if "chromatogram" not in layout.known:
        warnings.append(no_chromatogram_column(path))
    warnings.extend(date_warnings)
    warnings.extend(trace_warnings)
    headers = {source.key: source.header for source in (*layout.known.values(), *layout.extras)}
    all_columns: dict[str, Column] = {**columns, **extras}
    types = {name: _type_of(name, values) for name, values in all_columns.items()}
    texts = {name: values for name, values in all_columns.items() if types[name] == pa.string()}
    replaced, metadata, warning = screen_text_lists(
        texts,
        metadata,
        policy=hints.formula_text,
        file=path,
        lines_of=table.lines_of,
        headers=headers,
    )
    if warning is not None:
        warnings.append(warning)
        all_columns.update(replaced)
    return ParsedFile(
        metadata=metadata,
        results=frame_of_arrow_columns(
            {name: _array(values, types[name]) for name, values in all_columns.items()}
        ),
        provenance=Provenance(parser=parser, parser_version=version, source=path, encoding="utf-8"),
        traces=traces,
        attachments=attachments,
        warnings=tuple(warnings),
    )


class _Cells:
    """A small table's columns as present values and the decimal mark each shows, each worked out once."""

    def __init__(self, table: SmallTable) -> None:
        self.table = table
        self._present: dict[int, Values] = {}
        self._marks: dict[int, NumberFormat | None] = {}

    def present(self, index: int) -> Values:
        """Trimmed texts with blanks and missing markers as None (``present_texts``)."""
        found = self._present.get(index)
        if found is None:
            found = self._present[index] = _present_column(self.table.columns[index])
        return found

    def mark(self, index: int) -> NumberFormat | None:
        """The decimal mark the column's first value showing one shows (``decide_number_format`` of its
        distinct present values, in the order they appear), else None."""
        if index not in self._marks:
            self._marks[index] = _first_mark(self.present(index))
        return self._marks[index]


def _present_column(cells: list[str]) -> Values:
    out: Values = []
    for cell in cells:
        text = cell.strip()
        # pyarrow lower-cases the text before comparing; of all non-ASCII letters only 'İ' and the Kelvin
        # sign lower-case to ASCII ('i', 'k'), and no marker holds either: only ASCII text can be one.
        out.append(None if text.isascii() and text.lower() in MISSING_MARKERS else text)
    return out


def _first_mark(values: Values) -> NumberFormat | None:
    decided = decide_number_format(dict.fromkeys(value for value in values if value is not None))
    return decided if decided.decimal is not None else None


def _text_column(cells: list[str]) -> Values:
    """Trimmed text with empty cells as None (``text_column``)."""
    return [cell.strip() or None for cell in cells]


def _number_format(
    cells: _Cells, indexes: Iterable[int], *, hints: ParseHints, fallback: NumberFormat | None = None
) -> NumberFormat:
    """``column_format`` of the columns at ``indexes``: the first value (in column order) that shows a
    mark decides, else ``fallback``, else the site's setting."""
    for index in indexes:
        mark = cells.mark(index)
        if mark is not None:
            return mark
    return decide_number_format((), hint=hints.decimal, fallback=fallback)


def _fits(values: Values, fmt: NumberFormat) -> bool:
    """Whether every present value is a number under ``fmt``, and one is present (``fits``)."""
    pattern = _PATTERNS[fmt.decimal]
    found = False
    for value in values:
        if value is None:
            continue
        if pattern.match(value) is None:
            return False
        found = True
    return found


def _floats(values: Values, fmt: NumberFormat) -> Numbers:
    """``to_floats`` of present values; _NotSmall for a value that is not a finite number under ``fmt``."""
    pattern = _PATTERNS[fmt.decimal]
    grouping = _GROUPING.get(fmt.decimal) if fmt.decimal else None
    out: Numbers = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        if pattern.match(value) is None:
            raise _NotSmall
        text = grouping.sub("", value) if grouping is not None else value
        if fmt.decimal == ",":
            text = text.replace(",", ".")
        number = float(text)
        if math.isinf(number):
            raise _NotSmall
        out.append(number)
    return out


def _numeric_indexes(layout: ColumnLayout) -> list[int]:
    return [layout.known[key].index for key in NUMERIC if key in layout.known]


def _file_number_format(cells: _Cells, layout: ColumnLayout, hints: ParseHints) -> NumberFormat:
    """``_file_number_format`` of the ordinary path: the known numeric columns' mark, else the extras'."""
    known = _number_format(cells, _numeric_indexes(layout), hints=hints)
    if known.decimal is not None:
        return known
    extra = [s.index for s in layout.extras if _fits(cells.present(s.index), known)]
    return _number_format(cells, extra, hints=hints) if extra else known


def _result_columns(
    cells: _Cells,
    layout: ColumnLayout,
    file_format: NumberFormat,
    hints: ParseHints,
) -> dict[str, Column]:
    table = cells.table
    length = table.num_rows
    out: dict[str, Column] = {}
    for key, dtype in RESULT_COLUMNS.items():
        source = layout.known.get(key)
        if source is None:
            out[key] = [None] * length
        elif key in NUMERIC:
            fmt = _number_format(cells, [source.index], hints=hints, fallback=file_format)
            numbers = _floats(cells.present(source.index), fmt)
            if key == "retention_time_min" and layout.rt_factor != 1.0:
                numbers = [None if n is None else n * layout.rt_factor for n in numbers]
            out[key] = _whole(numbers) if dtype.pyarrow_dtype == pa.int64() else numbers
        else:
            out[key] = _text_column(table.columns[source.index])
    for value_key, unit_key in UNIT_COLUMNS.items():
        source = layout.known.get(value_key)
        if source is not None and source.unit:
            unit = source.unit
            out[unit_key] = [unit if value is None else value for value in out[unit_key]]
    for key in REQUIRED_VALUES:
        if None in out[key]:
            raise _NotSmall  # refused by the ordinary path, naming the line
    return out


def _whole(numbers: Numbers) -> list[int | None]:
    """Peak numbers as integers (``_as_int``); _NotSmall for a fraction or a value beyond int64."""
    out: list[int | None] = []
    for number in numbers:
        if number is None:
            out.append(None)
            continue
        if math.floor(number) != number or abs(number) >= _INT64_LIMIT:
            raise _NotSmall
        out.append(int(number))
    return out


def _extra_columns(
    cells: _Cells,
    layout: ColumnLayout,
    file_format: NumberFormat,
    hints: ParseHints,
    warnings: list[str],
) -> dict[str, Column]:
    table = cells.table
    out: dict[str, Column] = {}
    chromatogram = layout.known.get("chromatogram")
    if chromatogram is not None:
        out["chromatogram"] = _text_column(table.columns[chromatogram.index])
    sources = [(source.key, source.index) for source in layout.extras]
    taken = {key for key, _ in sources} | set(RESULT_COLUMNS) | set(out)
    for index in layout.unnamed:
        if all(value is None for value in cells.present(index)):
            continue  # a trailing delimiter: no header and no values
        name = f"unnamed_column_{index + 1}"
        while name in taken:
            name = snake_case(f"{name} x")
        taken.add(name)
        warnings.append(unnamed_column(index, table.file, name))
        sources.append((name, index))
    for key, index in sources:
        values = cells.present(index)
        if not (_fits(values, _POINT) or _fits(values, _COMMA)):
            out[key] = _text_column(table.columns[index])
            continue
        fmt = _number_format(cells, [index], hints=hints, fallback=file_format)
        out[key] = _floats(values, fmt) if _fits(values, fmt) else _text_column(table.columns[index])
    return out


def _type_of(name: str, values: Column) -> pa.DataType:
    """A result column's contract type; an extra column's from its values (numbers, else text)."""
    dtype = RESULT_COLUMNS.get(name)
    if dtype is not None:
        result: pa.DataType = dtype.pyarrow_dtype
        return result
    return pa.float64() if any(isinstance(v, float) for v in values) else pa.string()


def _all_none(values: Column) -> bool:
    return all(value is None for value in values)


def _array(values: Column, type_: pa.DataType) -> pa.Array:
    if _all_none(values):
        return pa.nulls(len(values), type_)
    return pa.array(values, type_)


def _distinct(values: Values) -> list[str]:
    """The distinct present values, in the order they first appear."""
    return list(dict.fromkeys(value for value in values if value is not None))


def _run_metadata(
    table: SmallTable,
    layout: ColumnLayout,
    columns: dict[str, Column],
    extras: dict[str, Column],
    hints: ParseHints,
    warnings: list[str],
) -> dict[str, Scalar]:
    """``run_metadata`` of the ordinary path (its date warnings added to ``warnings``); _NotSmall where it
    refuses."""
    metadata: dict[str, Scalar] = {}
    for key in RUN_LEVEL:
        source = layout.known.get(key)
        if source is None:
            continue
        values = _text_column(table.columns[source.index])
        distinct = _distinct(values)
        if len(distinct) > 1:
            raise _NotSmall  # several runs in one file: refused by the ordinary path
        if len(distinct) == 1:
            text = distinct[0]
            if key == "injection_time":
                metadata[key] = _injection_time(table, source.header, text, values, hints, warnings)
            else:
                metadata[key] = text
    add_constant_columns(metadata, layout, columns, extras, constant_list)
    return metadata


def _injection_time(
    table: SmallTable, header: str, text: str, values: Values, hints: ParseHints, warnings: list[str]
) -> str:
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    reader = DateReader.for_file([table.text], file=table.file, hint=hints.date_order)
    line = table.lines[values.index(text)]
    stamp = reader.read(text, line=line, column=header)  # a ParseError sends the file to the ordinary path
    warnings.extend(reader.warnings)
    return stamp.isoformat()


def _chromatograms(
    table: SmallTable,
    layout: ColumnLayout,
    names: Column | None,
    columns: dict[str, Column],
    warnings: list[str],
) -> tuple[tuple[Trace, ...], tuple[Path, ...]]:
    if names is None:
        return (), ()
    folder = table.file.parent
    signals = _distinct(columns["signal"])
    traces: list[Trace] = []
    attachments: list[Path] = []
    for value in _distinct(names):
        candidate = Path(value)
        target = (folder / candidate).resolve()
        if candidate.is_absolute() or candidate.drive or not target.is_relative_to(folder.resolve()):
            raise _NotSmall  # refused by the ordinary path, naming the line
        path = folder / candidate
        if not path.is_file():
            warnings.append(trace_not_found(value, table.file))
            continue
        attachments.append(path)
        if path.suffix.lower() in TRACE_SUFFIXES:
            channel = signals[0] if len(signals) == 1 else path.stem
            traces.append(read_trace(path, channel=channel))  # a ParseError: the ordinary path words it
    return tuple(traces), tuple(attachments)
