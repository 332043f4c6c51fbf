"""Agilent ChemStation text report (``Report.TXT``, e.g. "Area Percent Report") -> ParsedFile.

**Which parser claims a ``.D`` folder.** A folder can hold both a CSV report and ``Report.TXT``; the
CSV report wins (full-precision numbers, declared signal count). This parser therefore claims:

- any ``Report.TXT``-like text file given on its own (extension ``.txt``, sniffed on content), and
- a ``.D`` folder that holds a ``Report.TXT`` but no ``Report00.CSV`` that the CSV report parser
  would accept (see :mod:`parsers._chemstation.data_folder`).

Each ``Signal N:`` table becomes result rows whose ``signal`` is the printed description
("DAD1 A, Sig=254,8 Ref=off"). ``Totals :`` rows are not peaks: they are checked against the sum of the
peaks' areas and heights within the printed rounding, and a disagreement is a warning. Peak numbers
must run 1..n in each table (otherwise a warning). In calibrated reports (External Standard, ISTD) a
compound the method expects but did not find prints its expected retention time with ``-`` for area and
amount: it is not a peak, so it is left out with a warning naming it. The ``.ch`` files of the ``.D``
folder are attached and, with ``rainbow-api`` installed, decoded into traces.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance
from parsers._chemstation.data_folder import (
    DataFolder,
    is_data_folder,
    list_folder,
    read_head,
    report_and_signal_files,
)
from parsers._chemstation.parsed_report import report_parsed_file
from parsers._chemstation.peak_table import PeakLayout, peak_row, resolve_columns, typed_results
from parsers._chemstation.report_fields import normalize_metadata
from parsers._common.dates import DateReader
from parsers._common.numbers import MISSING_MARKERS, decide_number_format
from parsers._plugin.contract import NearMiss
from parsers.agilent_chemstation_txt import constants as c
from parsers.agilent_chemstation_txt.reader import (
    SignalTable,
    TextReport,
    looks_like_text_report,
    read_text_report,
    text_report_lacks,
)

_PRINTED = re.compile(r"^[+-]?\d*(?:[.,](?P<decimals>\d*))?(?:[eE](?P<exponent>[+-]?\d+))?$")


def _half_last_digit(text: str) -> float:
    """Half a unit in the last printed digit of a number (its rounding error)."""
    match = _PRINTED.match(text.strip())
    if not match:
        return 0.0
    decimals = len(match["decimals"] or "")
    exponent = int(match["exponent"] or 0)
    return 0.5 * 10.0 ** (exponent - decimals)


class ChemStationTextReportParser:
    """ChemStation printed report saved as text (``Report.TXT``), one table per signal."""

    name: ClassVar[str] = "agilent_chemstation_txt"
    version: ClassVar[str] = "1.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".d", ".txt")
    unit_suffixes: ClassVar[tuple[str, ...]] = (".d",)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            if not path.is_dir():
                return looks_like_text_report(head)
            if not is_data_folder(path):
                return False
            folder = list_folder(path)
        except (OSError, ParseError):  # a path that cannot be examined is not one we can claim
            return False
        if folder.csv_header is not None:
            return False  # the CSV report parser claims this folder
        return _text_report(folder) is not None

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        lacking = text_report_lacks(head)
        if lacking is None:
            return None
        closeness, lacks = lacking
        return NearMiss(closeness=closeness, looks_like="a ChemStation text report", lacks=lacks)

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        report_path, signal_files = report_and_signal_files(
            path,
            _text_report,
            missing=(
                "text report (Report.TXT, or another .TXT holding a ChemStation report). Expected a "
                "ChemStation .D folder with a text report."
            ),
        )
        report = read_text_report(report_path, encoding=hints.encoding)
        dates = DateReader.for_file(report.header_lines, file=report_path, hint=hints.date_order)
        number_format = decide_number_format(
            (cell for table in report.tables for _, cells in table.rows for cell in cells), hint=hints.decimal
        )
        metadata, warnings = normalize_metadata(
            report.fields, file_label=str(report_path), dates=dates, names=report.names
        )
        warnings[:0] = report.decoding_warnings
        if report.skipped_sections:
            metadata["report_sections_not_read"] = "; ".join(report.skipped_sections)
        if report.title:
            metadata["report_title"] = report.title
        metadata["signal_count"] = len(report.tables)
        warnings.extend(_structure_warnings(report))
        layouts: list[PeakLayout] = []
        rows: list[dict[str, Any]] = []
        for table in report.tables:
            if not table.columns:
                continue
            layout = resolve_columns(
                [(column.name, column.unit) for column in table.columns],
                file=report_path,
                line=table.header_line,
            )
            layouts.append(layout)
            found, not_found = _split_not_found(table, layout, report_path)
            warnings.extend(not_found)
            table_rows = [
                peak_row(
                    values,
                    layout,
                    file=report_path,
                    line=line,
                    position=pos,
                    signal=table.description,
                    run=metadata,
                    number_format=number_format,
                )
                for pos, (line, values) in enumerate(found, start=1)
            ]
            warnings.extend(_table_warnings(report_path, table, layout, table_rows))
            rows.extend(table_rows)
        layout = _common_layout(layouts, report_path)
        signals = [table.description for table in report.tables]
        return report_parsed_file(
            metadata=metadata,
            results=typed_results(rows, layout),
            provenance=Provenance(self.name, self.version, path, encoding=report.encoding),
            signal_files=signal_files,
            report_signals=signals,
            warnings=warnings,
            column_units=layout.extra_units,
        )


def _text_report(folder: DataFolder) -> Path | None:
    """The folder's text report: the first ``.TXT`` (``Report.TXT`` first) whose content is one."""
    return next(
        (p for p in folder.text_candidates if looks_like_text_report(read_head(p, c.REPORT_HEAD_BYTES))), None
    )


def _split_not_found(
    table: SignalTable, layout: PeakLayout, file: Path
) -> tuple[list[tuple[int, tuple[str, ...]]], list[str]]:
    """The table's peak rows, and a warning for each named compound printed with no area (not found)."""
    keys = [col.key for col in layout.columns]
    if "peak_name" not in keys:
        return list(table.rows), []
    area, name = keys.index("area"), keys.index("peak_name")
    found: list[tuple[int, tuple[str, ...]]] = []
    warnings: list[str] = []
    for line, values in table.rows:
        if len(values) == len(keys) and values[area].strip().lower() in MISSING_MARKERS and values[name]:
            warnings.append(
                f"Compound '{values[name]}' of Signal {table.number} in '{file}' line {line} has no area "
                f"({values[area]!r}): a compound the method expected but did not find. It is not stored as "
                "a result."
            )
            continue
        found.append((line, values))
    return found, warnings


def _common_layout(layouts: list[PeakLayout], file: Path) -> PeakLayout:
    if not layouts:
        return resolve_columns([("RetTime", "min"), ("Area", None)], file=file)
    keys = {tuple(col.key for col in layout.columns) for layout in layouts}
    if len(keys) > 1:
        merged = {col.key: col for layout in layouts for col in layout.columns}
        return PeakLayout(columns=tuple(merged.values()))
    return layouts[0]


def _structure_warnings(report: TextReport) -> list[str]:
    file = report.path
    numbers = [table.number for table in report.tables]
    for index, table in enumerate(report.tables):
        if table.number in numbers[:index]:
            first = report.tables[numbers.index(table.number)]
            raise ParseError(
                f"Signal {table.number} appears twice in '{file}' (lines {first.line} and {table.line}). "
                "Expected each signal once.",
                file=file,
                line=table.line,
            )
    warnings: list[str] = []
    if numbers != list(range(1, len(numbers) + 1)):
        warnings.append(f"Signals in '{file}' are numbered {numbers}; expected 1 to {len(numbers)}.")
    last = report.tables[-1]
    if not report.complete:
        if last.columns and last.totals is None:
            raise ParseError(
                f"'{file}' ends inside the table of Signal {last.number} (no 'Totals :' row and no "
                "'*** End of Report ***'). Expected a complete report; was the file truncated?",
                file=file,
                line=(last.rows[-1][0] if last.rows else last.line),
            )
        warnings.append(f"'{file}' has no '*** End of Report ***' line; it may be incomplete.")
    for table in report.tables:
        if not table.columns:
            warnings.append(f"Signal {table.number} in '{file}' line {table.line} has no peak table.")
    return warnings


def _table_warnings(
    file: Path, table: SignalTable, layout: PeakLayout, rows: list[dict[str, Any]]
) -> list[str]:
    warnings: list[str] = []
    numbers = [row["peak_number"] for row in rows]
    if numbers != list(range(1, len(rows) + 1)):
        warnings.append(
            f"Peaks of Signal {table.number} in '{file}' are numbered {numbers}; expected 1 to {len(rows)}."
        )
    if table.totals is None:
        warnings.append(f"Signal {table.number} in '{file}' has no 'Totals :' row; totals were not checked.")
        return warnings
    line, cells = table.totals
    keys = [col.key for col in layout.columns]
    for key, label in (("area", "area"), ("height", "height")):
        if key not in keys:
            continue
        index = keys.index(key)
        printed = cells[index]
        if not printed:
            continue
        total = _number(printed)
        if total is None:
            warnings.append(
                f"Totals row of Signal {table.number} in '{file}' line {line} has the {label} "
                f"{printed!r}. Expected a number."
            )
            continue
        values = [row[key] for row in rows if row[key] is not None]
        tolerance = _half_last_digit(printed) + sum(
            _half_last_digit(values_text) for values_text in _column_texts(table, index)
        )
        if abs(sum(values) - total) > tolerance:
            warnings.append(
                f"Totals row of Signal {table.number} in '{file}' line {line} gives {label} {printed}, but "
                f"the {len(values)} peaks add up to {sum(values):.6g}."
            )
    return warnings


def _column_texts(table: SignalTable, index: int) -> list[str]:
    return [values[index] for _, values in table.rows if index < len(values)]


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
