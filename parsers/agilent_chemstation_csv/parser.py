"""Agilent ChemStation CSV report (``Report00.CSV`` + ``REPORT01..nn.CSV``) -> ParsedFile.

The unit is the ``.D`` folder (extension ``.d``) or ``Report00.CSV`` given alone, in which case the
``REPORTnn.CSV`` files beside it are read. Each peak table becomes result rows whose ``signal`` is the
description from ``Report00.CSV`` ("DAD1 A, Sig=210,4 Ref=425,50"). The number of peak tables must
equal ``Number of Signals``. The ``.ch`` signal files of the ``.D`` folder are attachments and, when
``rainbow-api`` is installed, traces. Which parser claims a ``.D`` folder holding both a CSV and a text
report is decided in :mod:`parsers._chemstation.data_folder` (the CSV report wins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance
from parsers._chemstation.data_folder import (
    DataFolder,
    is_data_folder,
    list_folder,
    looks_like_csv_report,
    read_head,
    report_and_signal_files,
)
from parsers._chemstation.parsed_report import report_parsed_file
from parsers._chemstation.peak_table import PeakLayout, peak_row, resolve_columns, typed_results
from parsers._chemstation.report_fields import normalize_metadata
from parsers.agilent_chemstation_csv.reader import CsvReportHeader, read_header, read_peak_table


class ChemStationCsvReportParser:
    """ChemStation "CSV report" export of a ``.D`` data folder (any report template)."""

    name: ClassVar[str] = "agilent_chemstation_csv"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".d", ".csv")
    unit_suffixes: ClassVar[tuple[str, ...]] = (".d",)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            if not path.is_dir():
                return looks_like_csv_report(head)
            if not is_data_folder(path):
                return False
            header = list_folder(path).csv_header
        except (OSError, ParseError):  # a path that cannot be examined is not one we can claim
            return False
        return header is not None and looks_like_csv_report(read_head(header))

    def parse(self, path: Path) -> ParsedFile:
        header_path, signal_files = report_and_signal_files(
            path,
            lambda folder: folder.csv_header,
            missing="Report00.CSV. Expected a ChemStation .D folder exported with a CSV report.",
        )
        header = read_header(header_path)
        tables = _peak_table_paths(header, list_folder(header_path.parent))
        layout = resolve_columns(header.columns, file=header_path, line=header.columns_line)
        metadata, warnings = normalize_metadata(header.fields, file_label=str(header_path))
        metadata["signal_count"] = header.signal_count
        signals = [header.signals.get(n) or f"Signal {n}" for n in range(1, header.signal_count + 1)]
        rows: list[dict[str, Any]] = []
        for number, table_path in tables.items():
            rows.extend(_table_rows(table_path, header, layout, signals[number - 1], metadata))
        return report_parsed_file(
            metadata=metadata,
            results=typed_results(rows, layout),
            provenance=Provenance(self.name, self.version, path, encoding=header.encoding),
            signal_files=signal_files,
            report_signals=signals,
            warnings=warnings,
        )


def _peak_table_paths(header: CsvReportHeader, folder: DataFolder) -> dict[int, Path]:
    expected = list(range(1, header.signal_count + 1))
    found = sorted(folder.peak_tables)
    if found != expected:
        names = [folder.peak_tables[n].name for n in found]
        raise ParseError(
            f"'{header.path}' declares {header.signal_count} signals but '{folder.root}' holds the peak "
            f"tables {names}. Expected exactly REPORT01.CSV to REPORT{header.signal_count:02d}.CSV, "
            "one per signal.",
            file=header.path,
            column="Number of Signals",
        )
    return {n: folder.peak_tables[n] for n in expected}


def _table_rows(
    table_path: Path, header: CsvReportHeader, layout: PeakLayout, signal: str, run: dict[str, Any]
) -> list[dict[str, Any]]:
    table = read_peak_table(table_path, delimiter=header.delimiter, columns=header.columns)
    return [
        peak_row(row.cells, layout, file=table_path, line=row.line, position=position, signal=signal, run=run)
        for position, row in enumerate(table.rows, start=1)
    ]
