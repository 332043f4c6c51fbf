"""Run metadata of an LC results CSV: the run-level columns (one value per file) and constant columns.

``Injection Date``, ``Instrument`` and ``Method`` must hold one value on every row (one file is one run).
The injection date is ISO 8601 (kept with its offset) or the acquiring PC's locale format, read with the
shared date reader: the day/month order comes from every date in the file, else the site's setting.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import ParseError
from ingest.models import ParseHints, Scalar
from parsers._common.dates import DateReader
from parsers.lc_results_csv.columns import ColumnLayout
from parsers.lc_results_csv.constant_columns import add_constant_columns, constant_array
from parsers.lc_results_csv.constants import RUN_LEVEL
from parsers.lc_results_csv.reader import RawTable, text_column


def _distinct(values: pa.ChunkedArray) -> pa.Array:
    """The distinct present values, in the order they first appear."""
    extremes = pc.min_max(values)
    if extremes["min"].is_valid and extremes["min"] == extremes["max"]:
        return pa.array([extremes["min"].as_py()], values.type)
    return pc.unique(pc.drop_null(values))


def run_metadata(
    table: RawTable,
    layout: ColumnLayout,
    columns: dict[str, pa.ChunkedArray],
    extras: dict[str, pa.ChunkedArray],
    hints: ParseHints,
) -> tuple[dict[str, Scalar], list[str]]:
    """The run's metadata and the date reader's warnings."""
    metadata: dict[str, Scalar] = {}
    warnings: list[str] = []
    for key in RUN_LEVEL:
        source = layout.known.get(key)
        if source is None:
            continue
        values = text_column(table.raw(source.index))
        distinct = _distinct(values)
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
            if key == "injection_time":
                metadata[key] = _injection_time(table, source.header, text, values, hints, warnings)
            else:
                metadata[key] = text
    add_constant_columns(metadata, layout, columns, extras, constant_array)
    return metadata, warnings


def _injection_time(
    table: RawTable, header: str, text: str, values: pa.ChunkedArray, hints: ParseHints, warnings: list[str]
) -> str:
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    reader = DateReader.for_file(
        [table.utf8.decode("utf-8", errors="replace")], file=table.file, hint=hints.date_order
    )
    line = table.line_of(pc.index(values, text).as_py())
    try:
        stamp = reader.read(text, line=line, column=header)
    except ParseError:
        raise ParseError(
            f"Unable to read {text!r} as a date and time in '{table.file.name}' line {line} "
            f"column '{header}'. Expected ISO 8601 (2026-11-02T09:15:00+01:00) or a date as the "
            "acquiring PC writes it ('02.11.2026 09:15', '11/2/2026 9:15 AM', '2-Nov-26, 09:15').",
            file=table.file,
            line=line,
            column=header,
        ) from None
    warnings.extend(reader.warnings)
    return stamp.isoformat()
