"""LC results CSV parser: one row per sample and peak, as a lab's own LC software or script writes it.

The format (see ``docs/writing-a-parser.md`` and ``sample_data/exports/lc/``):

- UTF-8 (a BOM is fine; UTF-16 and Windows code pages are also read), comma, semicolon or tab
  delimited; with a semicolon or tab delimiter numbers may use a decimal comma.
- A header row; names are matched case- and space-insensitively, with aliases (``constants.COLUMNS``).
  Required: ``Sample ID``, ``RT (min)``, ``Area``. Units may sit in the header (``Area [mAU*s]``,
  ``RT (s)``) or in ``Area Unit`` / ``Height Unit`` columns (which win where filled).
- One file is one run: ``Injection Date``, ``Instrument`` and ``Method`` must hold one value each.
  Every column that is constant over the file also becomes run metadata.
- ``Chromatogram`` names a file relative to the CSV (a ``time_min,signal`` trace CSV, or e.g. a PNG);
  it is attached, and a trace CSV is read into ``traces``. A missing one is a warning.
- Other columns are kept as extra result columns under snake_case names.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.contract import RESULT_COLUMNS
from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar, Trace
from parsers._common.delimited import choose_delimiter
from parsers.lc_results_csv.columns import ColumnLayout, find_known_keys, resolve_headers
from parsers.lc_results_csv.constants import NUMERIC, REQUIRED, RUN_LEVEL, UNIT_COLUMNS
from parsers.lc_results_csv.reader import (
    RawTable,
    looks_numeric,
    numeric_column,
    read_raw_table,
    split_header,
    text_column,
)
from parsers.lc_results_csv.trace import read_trace

_TRACE_SUFFIXES = (".csv", ".txt")


class LcResultsCsvParser:
    """Reads the LC results CSV format (see the module docstring)."""

    name: ClassVar[str] = "lc_results_csv"
    version: ClassVar[str] = "1.0"
    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        """True when the first line names the required columns (Sample ID, RT, Area)."""
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head.decode("utf-16", errors="ignore")
        else:
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
        try:
            headers = split_header(line, choose_delimiter(line))
        except csv.Error:  # a header cell beyond the csv module's field size limit: not our header
            return False
        return set(REQUIRED) <= find_known_keys(headers)

    def parse(self, path: Path) -> ParsedFile:
        table = read_raw_table(path)
        layout = resolve_headers(table.headers, file=path)
        columns = _result_columns(table, layout)
        extras = _extra_columns(table, layout)
        frame = pd.DataFrame(
            {
                name: pd.Series(pd.arrays.ArrowExtensionArray(values))
                for name, values in {**columns, **extras}.items()
            }
        )
        metadata = _metadata(table, layout, columns, extras)
        traces, attachments, warnings = _chromatograms(table, layout, extras.get("chromatogram"), columns)
        return ParsedFile(
            metadata=metadata,
            results=frame,
            provenance=Provenance(
                parser=self.name, parser_version=self.version, source=path, encoding=table.encoding
            ),
            traces=traces,
            attachments=attachments,
            warnings=warnings,
        )


def _nulls(length: int, type_: pa.DataType) -> pa.ChunkedArray:
    return pa.chunked_array([pa.nulls(length, type_)])


def _result_columns(table: RawTable, layout: ColumnLayout) -> dict[str, pa.ChunkedArray]:
    length = table.table.num_rows
    out: dict[str, pa.ChunkedArray] = {}
    for key, dtype in RESULT_COLUMNS.items():
        arrow_type = dtype.pyarrow_dtype
        source = layout.known.get(key)
        if source is None:
            out[key] = _nulls(length, arrow_type)
        elif key in NUMERIC:
            values = numeric_column(table, source.index, source.header)
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


def _as_int(table: RawTable, values: pa.ChunkedArray, column: str) -> pa.ChunkedArray:
    whole = pc.fill_null(pc.equal(pc.floor(values), values), True)
    if pc.any(pc.invert(whole)).as_py():
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


def _extra_columns(table: RawTable, layout: ColumnLayout) -> dict[str, pa.ChunkedArray]:
    out: dict[str, pa.ChunkedArray] = {}
    chromatogram = layout.known.get("chromatogram")
    if chromatogram is not None:
        out["chromatogram"] = text_column(table.raw(chromatogram.index))
    for source in layout.extras:
        if looks_numeric(table, source.index):
            out[source.key] = numeric_column(table, source.index, source.header)
        else:
            out[source.key] = text_column(table.raw(source.index))
    return out


def _constant(values: pa.ChunkedArray) -> tuple[bool, Scalar]:
    """(whether the column holds one value on every row, that value)."""
    if len(values) == 0 or values.null_count:
        return False, None
    distinct = pc.unique(values)
    if len(distinct) != 1:
        return False, None
    value: Scalar = distinct[0].as_py()
    return True, value


def _metadata(
    table: RawTable,
    layout: ColumnLayout,
    columns: dict[str, pa.ChunkedArray],
    extras: dict[str, pa.ChunkedArray],
) -> dict[str, Scalar]:
    metadata: dict[str, Scalar] = {}
    for key in RUN_LEVEL:
        source = layout.known.get(key)
        if source is None:
            continue
        values = text_column(table.raw(source.index))
        distinct = pc.unique(pc.drop_null(values))
        if len(distinct) > 1:
            shown = [v.as_py() for v in distinct[:5]]
            raise ParseError(
                f"File '{table.file.name}' holds rows of several values in column '{source.header}': "
                f"{shown}. Expected one run per file (one value on every row).",
                file=table.file,
                column=source.header,
            )
        if len(distinct) == 1:
            text = distinct[0].as_py()
            metadata[key] = _iso_time(table, source.header, text, values) if key == "injection_time" else text
    for key in ("sample_id", "sample_name", "injection", "signal"):
        constant, value = _constant(columns[key])
        if constant:
            metadata[key] = value
    for name, values in extras.items():
        constant, value = _constant(values)
        if constant and name not in metadata:
            metadata[name] = value
    for source in layout.extras:
        if source.unit and source.key in metadata:
            metadata[f"{source.key}_unit"] = source.unit
    return metadata


def _iso_time(table: RawTable, header: str, text: str, values: pa.ChunkedArray) -> str:
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        row = pc.index(values, text).as_py()
        line = table.line_of(row)
        raise ParseError(
            f"Unable to read {text!r} as a date and time in '{table.file.name}' line {line} "
            f"column '{header}'. Expected ISO 8601 (2026-11-02T09:15:00+01:00) or 'YYYY-MM-DD HH:MM[:SS]'.",
            file=table.file,
            line=line,
            column=header,
        ) from None


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
            warnings.append(
                f"Chromatogram file '{value}' named in '{table.file.name}' was not found beside it; "
                "no trace was read and nothing is attached for it."
            )
            continue
        attachments.append(path)
        if path.suffix.lower() in _TRACE_SUFFIXES:
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
