"""LC results CSV parser: one row per sample and peak, as a lab's own LC software or script writes it.

The format (see ``docs/writing-a-parser.md`` and ``sample_data/exports/lc/``):

- UTF-8 (a BOM is fine; UTF-16, UTF-32 and Windows code pages are also read), comma, semicolon or tab
  delimited, CRLF, LF or CR line ends. Numbers use a decimal point or comma and may group thousands
  (``1,052.04``, ``1.052,04``, ``1 052,04``); which mark is the decimal one is decided from each
  column's values, then the file's, then the site's ``decimal`` setting.
- A header row; names are matched case- and space-insensitively, with aliases (``constants.COLUMNS``).
  Required: ``Sample ID``, ``RT (min)``, ``Area``, and a value of RT and Area on every row. Units may
  sit in the header (``Area [mAU*s]``, ``RT (s)``) or in ``Area Unit`` / ``Height Unit`` columns (which
  win where filled). A column with values under a blank header cell is kept (``unnamed_column_N``) with
  a warning.
- One file is one run with at least one result: ``Injection Date``, ``Instrument`` and ``Method`` must
  hold one value each; a header without rows is refused. Every column that is constant over the file
  also becomes run metadata. Dates are ISO 8601 or the acquiring PC's locale format (read with the
  shared date reader: day/month order from the file, else the site's ``date_order``).
- ``Chromatogram`` names a file relative to the CSV (a ``time_min,signal`` trace CSV, or e.g. a PNG);
  it is attached, and a trace CSV is read into ``traces``. A missing file, or no such column, is a warning.
- Other columns are kept as extra result columns under snake_case names. Text a spreadsheet would run
  as a formula is neutralised or refused by the site's ``formula_text`` setting, naming its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ingest.contract import RESULT_COLUMNS
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Trace
from parsers._common.decoding import decode_head
from parsers._common.delimited import choose_delimiter
from parsers._common.number_columns import column_format
from parsers._common.numbers import NumberFormat
from parsers._plugin.contract import NearMiss
from parsers._plugin.formula_text import screen_text_columns
from parsers._plugin.frame_blocks import frame_of_arrow_columns
from parsers.lc_results_csv.columns import (
    ColumnLayout,
    SourceColumn,
    find_known_keys,
    resolve_headers,
    snake_case,
)
from parsers.lc_results_csv.constants import (
    COLUMNS,
    NUMERIC,
    REQUIRED,
    REQUIRED_VALUES,
    TRACE_SUFFIXES,
    UNIT_COLUMNS,
)
from parsers.lc_results_csv.notes import no_chromatogram_column, trace_not_found, unnamed_column
from parsers.lc_results_csv.plain_reader import PlainTable, read_plain_table
from parsers.lc_results_csv.reader import (
    RawTable,
    looks_numeric,
    numeric_column,
    present,
    read_raw_table,
    split_header,
    text_column,
)
from parsers.lc_results_csv.run_metadata import run_metadata
from parsers.lc_results_csv.small_path import parse_small
from parsers.lc_results_csv.small_table import SMALL_FILE_BYTES
from parsers.lc_results_csv.trace import read_trace


class LcResultsCsvParser:
    """Reads the LC results CSV format (see the module docstring)."""

    name: ClassVar[str] = "lc_results_csv"
    version: ClassVar[str] = "1.1"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)
    #: ``parse`` applies ``hints.formula_text`` itself, naming lines and headers (see the parser contract).
    screens_formula_text: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path) -> bool:
        """True when the first line names the required columns (Sample ID, RT, Area)."""
        headers = _first_line_cells(head)
        return headers is not None and set(REQUIRED) <= find_known_keys(headers)

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        """How close a declined file's first line comes to this format's header, and what it lacks."""
        headers = _first_line_cells(head)
        if headers is None:
            return None
        known = find_known_keys(headers)
        found = set(REQUIRED) & known
        # One shared name ("Sample ID" heads many tables) is no likeness; two required or three known are.
        if not found or (len(found) < 2 and len(known) < 3):
            return None
        missing = " or ".join(f"'{COLUMNS[key][0]}'" for key in REQUIRED if key not in found)
        return NearMiss(
            closeness=len(found) / (len(REQUIRED) + 1),
            looks_like="an LC results CSV",
            lacks=f"its header row has no {missing} column (found {[h for h in headers if h][:12]})",
        )

    def __init__(self, *, fast_path: bool = True, small_bytes: int = SMALL_FILE_BYTES) -> None:
        """``fast_path=False`` reads every file the general way (to check the fast paths against it);
        ``small_bytes`` is the size up to which a file is read by the small path (0: never)."""
        self._fast_path = fast_path
        self._small_bytes = small_bytes if fast_path else 0

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        # The fast paths read UTF-8 only; a site that names its code page is read by the general path.
        if self._small_bytes > 0 and hints.encoding is None:
            small = parse_small(path, hints, parser=self.name, version=self.version, limit=self._small_bytes)
            if small is not None:
                return small
        if self._fast_path and hints.encoding is None:
            try:
                read = read_plain_columns(path, hints)
                if read is not None:
                    return self._parsed(path, hints, read)
            except ParseError:
                pass  # the general path reads the file again and words the refusal
        return self._parsed(path, hints, read_general_columns(path, hints))

    def _parsed(self, path: Path, hints: ParseHints, read: ColumnsRead) -> ParsedFile:
        table, layout = read.table, read.layout
        columns = {**read.columns, **read.extras}
        metadata, date_warnings = run_metadata(table, layout, read.columns, read.extras, hints)
        traces, attachments, trace_warnings = _chromatograms(
            table, layout, read.extras.get("chromatogram"), read.columns
        )
        warnings = list(read.warnings)
        if "chromatogram" not in layout.known:
            warnings.append(no_chromatogram_column(path))
        warnings.extend(date_warnings)
        warnings.extend(trace_warnings)
        # Screened here, once (the registry leaves it to this parser: see ``screens_formula_text``), on the
        # columns before they make the frame, so a neutralised column is built once.
        headers = {source.key: source.header for source in (*layout.known.values(), *layout.extras)}
        screened = screen_text_columns(
            columns,
            metadata,
            policy=hints.formula_text,
            file=path,
            lines_of=table.lines_of,
            headers=headers,
        )
        if screened.warning is not None:
            warnings.append(screened.warning)
            columns.update(screened.columns)
            metadata = screened.metadata
        return ParsedFile(
            metadata=metadata,
            results=frame_of_arrow_columns(columns),
            provenance=Provenance(
                parser=self.name, parser_version=self.version, source=path, encoding=table.encoding
            ),
            traces=traces,
            attachments=attachments,
            warnings=tuple(warnings),
        )


@dataclass(frozen=True)
class ColumnsRead:
    """A file's result and extra columns as read, with the table and layout they came from."""

    table: RawTable
    layout: ColumnLayout
    columns: dict[str, pa.ChunkedArray]
    extras: dict[str, pa.ChunkedArray]
    warnings: tuple[str, ...]


def read_general_columns(path: Path, hints: ParseHints) -> ColumnsRead:
    """Any file the format allows: every column read as text, numbers by the decimal mark decided from
    the file's evidence; every refusal worded with its line and column."""
    table = read_raw_table(path, encoding=hints.encoding)
    if table.table.num_rows == 0:
        raise ParseError(
            f"'{path.name}' has a header row but no result rows. Expected at least one result row: an "
            "export without results is refused rather than stored as a run with 0 results.",
            file=path,
            line=2,
        )
    layout = resolve_headers(table.headers, file=path)
    file_format = _file_number_format(table, layout, hints)

    def number(source: SourceColumn) -> pa.ChunkedArray:
        fmt = column_format([table.raw(source.index)], hint=hints.decimal, fallback=file_format)
        return numeric_column(table, source.index, source.header, fmt)

    columns = _result_columns(table, layout, number)
    _check_required_values(table, layout, columns)
    warnings: list[str] = list(table.decoding_warnings)
    extras = _extra_columns(
        table, layout, warnings, lambda index, header: _extra(table, index, header, file_format, hints)
    )
    return ColumnsRead(table, layout, columns, extras, tuple(warnings))


def _float_columns(headers: tuple[str, ...], path: Path) -> list[int] | None:
    """Where the known numeric columns of ``headers`` are, or None for a header the general path refuses."""
    try:
        layout = resolve_headers(headers, file=path)
    except ParseError:
        return None
    return [layout.known[key].index for key in NUMERIC if key in layout.known]


def read_plain_columns(path: Path, hints: ParseHints) -> ColumnsRead | None:
    """The columns of a plain file (see ``plain_reader``), identical to what ``read_general_columns``
    gives, or None when the file is not one the fast path reads. A ParseError here is left to the general
    path to word.

    The known numeric columns were read as floats with a decimal point, so every mark they hold is a
    point: when one of the sample rows shows it as the decimal mark, the general path decides the point
    for the file and for every one of these columns, and reads each value as the same float.
    """
    plain = read_plain_table(path, lambda headers: _float_columns(headers, path))
    return None if plain is None else _plain_columns(plain, hints)


def _plain_columns(plain: PlainTable, hints: ParseHints) -> ColumnsRead | None:
    table = plain.table
    layout = resolve_headers(table.headers, file=table.file)
    numeric = [layout.known[key].index for key in NUMERIC if key in layout.known]
    file_format = column_format([plain.sample.column(index) for index in numeric])
    if file_format.decimal != ".":
        return None
    columns = _result_columns(table, layout, lambda source: table.raw(source.index))
    if any(columns[key].null_count for key in REQUIRED_VALUES):
        return None
    warnings: list[str] = []
    extras = _extra_columns(
        table, layout, warnings, lambda index, header: _plain_extra(table, index, header, file_format, hints)
    )
    return ColumnsRead(table, layout, columns, extras, tuple(warnings))


def _first_line_cells(head: bytes) -> list[str] | None:
    text = decode_head(head).lstrip("\ufeff")
    line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    try:
        return split_header(line, choose_delimiter(line))
    except csv.Error:  # a header cell beyond the csv module's field size limit: not our header
        return None


def _file_number_format(table: RawTable, layout: ColumnLayout, hints: ParseHints) -> NumberFormat:
    """The decimal mark the file's numeric columns show (the extras that read as numbers count too)."""
    sources = [layout.known[key].index for key in NUMERIC if key in layout.known]
    known = column_format([table.raw(i) for i in sources], hint=hints.decimal)
    if known.decimal is not None:
        return known
    extra = [table.raw(source.index) for source in layout.extras if looks_numeric(table, source.index, known)]
    return column_format(extra, hint=hints.decimal) if extra else known


def _nulls(length: int, type_: pa.DataType) -> pa.ChunkedArray:
    return pa.chunked_array([pa.nulls(length, type_)])


def _result_columns(
    table: RawTable, layout: ColumnLayout, number: Callable[[SourceColumn], pa.ChunkedArray]
) -> dict[str, pa.ChunkedArray]:
    length = table.table.num_rows
    out: dict[str, pa.ChunkedArray] = {}
    for key, dtype in RESULT_COLUMNS.items():
        arrow_type = dtype.pyarrow_dtype
        source = layout.known.get(key)
        if source is None:
            out[key] = _nulls(length, arrow_type)
        elif key in NUMERIC:
            values = number(source)
            if key == "retention_time_min" and layout.rt_factor != 1.0:
                values = pc.multiply(values, layout.rt_factor)
            out[key] = _as_int(table, values, source.header) if arrow_type == pa.int64() else values
        else:
            out[key] = text_column(table.raw(source.index))
    for value_key, unit_key in UNIT_COLUMNS.items():
        source = layout.known.get(value_key)
        if source is not None and source.unit:
            out[unit_key] = pc.fill_null(out[unit_key], source.unit)
    return out


def _check_required_values(
    table: RawTable, layout: ColumnLayout, columns: dict[str, pa.ChunkedArray]
) -> None:
    """Every result needs a retention time and an area: a blank, ``NaN`` or ``n.a.`` there is refused."""
    for key in REQUIRED_VALUES:
        values = columns[key]
        if not values.null_count:
            continue
        row = pc.index(pc.is_null(values), True).as_py()
        source = layout.known[key]
        raw = table.raw(source.index)[row].as_py().strip()
        line = table.line_of(row)
        shown = repr(raw) if raw else "a blank cell"
        raise ParseError(
            f"Found {shown} in '{table.file.name}' line {line} column '{source.header}' where a number is "
            f"required: every result needs its {COLUMNS[key][0]}. Expected a number.",
            file=table.file,
            line=line,
            column=source.header,
        )


def _as_int(table: RawTable, values: pa.ChunkedArray, column: str) -> pa.ChunkedArray:
    if pc.all(pc.equal(pc.floor(values), values)).as_py() is False:  # nulls skipped
        whole = pc.fill_null(pc.equal(pc.floor(values), values), True)
        row = pc.index(whole, False).as_py()
        line = table.line_of(row)
        raise ParseError(
            f"Unable to read {values[row].as_py()!r} as a whole number in '{table.file.name}' line {line} "
            f"column '{column}'. Expected a peak number such as 1, 2, 3.",
            file=table.file,
            line=line,
            column=column,
        )
    return pc.cast(values, pa.int64())


def _extra_columns(
    table: RawTable,
    layout: ColumnLayout,
    warnings: list[str],
    read: Callable[[int, str], pa.ChunkedArray],
) -> dict[str, pa.ChunkedArray]:
    out: dict[str, pa.ChunkedArray] = {}
    chromatogram = layout.known.get("chromatogram")
    if chromatogram is not None:
        out["chromatogram"] = text_column(table.raw(chromatogram.index))
    sources = [(source.key, source.index, source.header) for source in layout.extras]
    taken = {key for key, _, _ in sources} | set(RESULT_COLUMNS) | set(out)
    for index in layout.unnamed:
        if present(table, index).null_count == table.table.num_rows:
            continue  # a trailing delimiter: no header and no values
        name = f"unnamed_column_{index + 1}"
        while name in taken:
            name = snake_case(f"{name} x")
        taken.add(name)
        warnings.append(unnamed_column(index, table.file, name))
        sources.append((name, index, f"column {index + 1}"))
    for key, index, header in sources:
        out[key] = read(index, header)
    return out


_POINT = NumberFormat(".")
_COMMA = NumberFormat(",")


def _extra(
    table: RawTable, index: int, header: str, file_format: NumberFormat, hints: ParseHints
) -> pa.ChunkedArray:
    """An extra column as numbers when every value is one under its decimal mark, else as text."""
    raw = table.raw(index)
    if not (looks_numeric(table, index, _POINT) or looks_numeric(table, index, _COMMA)):
        return text_column(raw)  # text under any mark: no need to decide one (a pass over every value)
    fmt = column_format([raw], hint=hints.decimal, fallback=file_format)
    if looks_numeric(table, index, fmt):
        return numeric_column(table, index, header, fmt)
    return text_column(raw)


def _plain_extra(
    table: RawTable, index: int, header: str, file_format: NumberFormat, hints: ParseHints
) -> pa.ChunkedArray:
    """``_extra`` for a plain file whose numbers use a decimal point: the column is cast whole first,
    and only a column that does not cast is looked at value by value."""
    texts = present(table, index)
    if texts.null_count == len(texts):
        return text_column(table.raw(index))
    try:
        floats: pa.ChunkedArray = pc.cast(texts, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _extra(table, index, header, file_format, hints)
    if pc.any(pc.or_(pc.is_nan(floats), pc.is_inf(floats))).as_py():
        return _extra(table, index, header, file_format, hints)
    # Every value cast holds at most a point, so the column's mark (its own, else the file's) is the
    # point and the general path reads each value as this same float.
    return floats


def _chromatograms(
    table: RawTable,
    layout: ColumnLayout,
    names: pa.ChunkedArray | None,
    columns: dict[str, pa.ChunkedArray],
) -> tuple[tuple[Trace, ...], tuple[Path, ...], tuple[str, ...]]:
    if names is None:
        return (), (), ()
    folder = table.file.parent
    signals = pc.unique(pc.drop_null(columns["signal"]))
    header = layout.known["chromatogram"].header
    traces: list[Trace] = []
    attachments: list[Path] = []
    warnings: list[str] = []
    for value in pc.unique(pc.drop_null(names)).to_pylist():
        candidate = Path(value)
        target = (folder / candidate).resolve()
        if candidate.is_absolute() or candidate.drive or not target.is_relative_to(folder.resolve()):
            line = table.line_of(pc.index(names, value).as_py())
            raise ParseError(
                f"Chromatogram {value!r} in '{table.file.name}' line {line} column '{header}' points outside "
                "the export's folder. Expected a file name relative to the CSV, such as 'run42_trace.csv'.",
                file=table.file,
                line=line,
                column=header,
            )
        path = folder / candidate
        if not path.is_file():
            warnings.append(trace_not_found(value, table.file))
            continue
        attachments.append(path)
        if path.suffix.lower() in TRACE_SUFFIXES:
            channel = signals[0].as_py() if len(signals) == 1 else path.stem
            traces.append(_read_named_trace(table, header, names, value, path, channel))
    return tuple(traces), tuple(attachments), tuple(warnings)


def _read_named_trace(
    table: RawTable, header: str, names: pa.ChunkedArray, value: str, path: Path, channel: str
) -> Trace:
    """The trace file an export names; a broken one is reported as the export's error, naming both."""
    try:
        return read_trace(path, channel=channel)
    except ParseError as exc:
        line = table.line_of(pc.index(names, value).as_py())
        raise ParseError(
            f"Chromatogram file '{path.name}' named in '{table.file.name}' line {line} column '{header}' "
            f"could not be read: {exc.message}",
            file=table.file,
            line=line,
            column=header,
            trace_file=path,
            trace_line=exc.context.get("line"),
            trace_column=exc.context.get("column"),
        ) from exc


__all__ = ["LcResultsCsvParser"]
