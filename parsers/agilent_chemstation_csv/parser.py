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
from ingest.models import ParsedFile, ParseHints, Provenance
from parsers._chemstation.data_folder import (
    csv_report_keys,
    is_data_folder,
    list_folder,
    looks_like_csv_report,
    peak_tables_beside,
    report_and_signal_files,
)
from parsers._chemstation.parsed_report import report_parsed_file
from parsers._chemstation.peak_table import peak_row, resolve_columns, typed_results
from parsers._chemstation.report_fields import normalize_metadata
from parsers._common.dates import DateReader
from parsers._common.decoding import decode_head
from parsers._common.numbers import NumberFormat, decide_number_format
from parsers._plugin.contract import NearMiss
from parsers.agilent_chemstation_csv.reader import CsvReportHeader, read_header, read_peak_table


def _is_msd_results(head: bytes) -> bool:
    """MSD ChemStation's RESULTS.CSV: an INI-like '[contents]' list of '[INT TIC: ...]' peak sections."""
    text = decode_head(head).lstrip().lower()
    return text.startswith("[contents]") and "header=," in text and '"r.t."' in text


class ChemStationCsvReportParser:
    """ChemStation "CSV report" export of a ``.D`` data folder (any report template)."""

    name: ClassVar[str] = "agilent_chemstation_csv"
    version: ClassVar[str] = "1.1.0"
    extensions: ClassVar[tuple[str, ...]] = (".d", ".csv")
    unit_suffixes: ClassVar[tuple[str, ...]] = (".d",)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            if not path.is_dir():
                return looks_like_csv_report(head)
            if not is_data_folder(path):
                return False
            return list_folder(path).csv_header is not None  # found by its content
        except (OSError, ParseError):  # a path that cannot be examined is not one we can claim
            return False

    def near_miss(self, head: bytes, path: Path) -> NearMiss | None:
        if path.is_dir():
            return None
        if _is_msd_results(head):
            return NearMiss(
                closeness=0.6,
                looks_like="an Agilent MSD ChemStation / MassHunter GC-MS integration file (RESULTS.CSV)",
                lacks=(
                    "that file is not read here: export the ChemStation CSV report (Report00.CSV with its "
                    "REPORTnn.CSV peak tables) of the same data file instead"
                ),
            )
        keys = csv_report_keys(head)
        if not keys:
            return None
        return NearMiss(
            closeness=0.5,
            looks_like="a ChemStation CSV report header (Report00.CSV)",
            lacks="has no 'Number of Signals' field declaring its peak tables",
        )

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        header_path, signal_files = report_and_signal_files(
            path,
            lambda folder: folder.csv_header or folder.named_csv_header,
            missing=(
                "CSV report header (Report00.CSV, or <prefix>00.CSV with 'Number of Signals'). Expected a "
                "ChemStation .D folder exported with a CSV report."
            ),
        )
        header = read_header(header_path, encoding=hints.encoding)
        tables = _peak_table_paths(header)
        layout = resolve_columns(header.columns, file=header_path, line=header.columns_line)
        dates = DateReader.for_file(header.lines, file=header_path, hint=hints.date_order)
        metadata, warnings = normalize_metadata(
            header.fields, file_label=str(header_path), dates=dates, names=header.names
        )
        warnings[:0] = header.decoding_warnings
        metadata["signal_count"] = header.signal_count
        signals = [header.signals.get(n) or f"Signal {n}" for n in range(1, header.signal_count + 1)]
        peak_tables = {
            n: read_peak_table(p, delimiter=header.delimiter, columns=header.columns, encoding=hints.encoding)
            for n, p in tables.items()
        }
        number_format = (
            NumberFormat(",", decided_by="the semicolon delimiter")
            if header.delimiter == ";"
            else decide_number_format(
                (cell for table in peak_tables.values() for row in table.rows for cell in row.cells),
                hint=hints.decimal,
            )
        )
        rows: list[dict[str, Any]] = []
        for number, table in peak_tables.items():
            rows.extend(
                peak_row(
                    row.cells,
                    layout,
                    file=table.path,
                    line=row.line,
                    position=position,
                    signal=signals[number - 1],
                    run=metadata,
                    number_format=number_format,
                )
                for position, row in enumerate(table.rows, start=1)
            )
        return report_parsed_file(
            metadata=metadata,
            results=typed_results(rows, layout),
            provenance=Provenance(self.name, self.version, path, encoding=header.encoding),
            signal_files=signal_files,
            report_signals=signals,
            warnings=warnings,
            column_units=layout.extra_units,
        )


def _peak_table_paths(header: CsvReportHeader) -> dict[int, Path]:
    tables = peak_tables_beside(header.path)
    expected = list(range(1, header.signal_count + 1))
    found = sorted(tables)
    if found != expected:
        names = [tables[n].name for n in found]
        name = header.path.name.upper()
        prefix = name[: -len("00.CSV")] if name.endswith("00.CSV") else header.path.stem.upper()
        raise ParseError(
            f"'{header.path}' declares {header.signal_count} signals but '{header.path.parent}' holds the "
            f"peak tables {names}. Expected exactly {prefix}01.CSV to {prefix}{header.signal_count:02d}.CSV, "
            "one per signal.",
            file=header.path,
            column="Number of Signals",
        )
    return {n: tables[n] for n in expected}
