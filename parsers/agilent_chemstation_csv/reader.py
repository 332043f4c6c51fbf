"""ChemStation CSV report files -> raw header fields and peak-table rows.

``Report00.CSV`` is a list of quoted ``"key",value,"unit"`` rows: run fields, ``Number of Signals`` with
``Signal k`` descriptions, and ``Number of Columns`` with ``Column k`` name/unit pairs that describe the
peak tables. ``REPORT01.CSV``... hold one peak table each (one per signal), with no header row. All
are UTF-16LE with a BOM and CRLF as written by ChemStation; other encodings are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError
from parsers._chemstation.names import canonical_name
from parsers._chemstation.report_fields import RawField
from parsers._common.decoding import DecodedText, decode_bytes, read_text
from parsers._common.delimited import Row, numbered_rows
from parsers.agilent_chemstation_csv import constants as c


@dataclass(frozen=True)
class CsvReportHeader:
    """What ``Report00.CSV`` declares."""

    path: Path
    encoding: str
    delimiter: str
    fields: dict[str, RawField]
    #: Each field's name as exported, by its canonical key.
    names: dict[str, str]
    #: The file's lines, for deciding the date order.
    lines: tuple[str, ...]
    signal_count: int
    signals: dict[int, str]
    columns: list[tuple[str, str | None]]
    columns_line: int
    #: Said when the encoding was guessed (see ``decode_bytes``).
    decoding_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeakTableRows:
    """The rows of one ``REPORTnn.CSV``: (line number, values) pairs."""

    path: Path
    encoding: str
    rows: list[Row] = field(default_factory=list)


def _delimiter(decoded: DecodedText) -> str:
    # ChemStation writes commas; a semicolon after the first quoted key means a decimal-comma locale.
    for line in decoded.lines:
        match = re.match(r'^\s*"[^"]*"\s*([,;\t])', line)
        if match:
            return match.group(1)
    return ","


def _whole_number(value: str, *, file: Path, line: int, key: str) -> int:
    text = value.strip()
    if not re.fullmatch(r"\d+", text):
        raise ParseError(
            f"Field '{key}' in '{file}' line {line} has the value {text!r}. Expected a whole number.",
            file=file,
            line=line,
            column=key,
        )
    return int(text)


def read_header(path: Path, *, encoding: str | None = None) -> CsvReportHeader:
    """Read ``Report00.CSV`` (in the site's ``encoding``, if set); ParseError when its signal or column
    declarations are missing or broken."""
    decoded = read_text(path, hint=encoding)
    delimiter = _delimiter(decoded)
    fields: dict[str, RawField] = {}
    names: dict[str, str] = {}
    first_line: dict[str, int] = {}
    numbered: dict[tuple[str, int], tuple[int, str, str]] = {}
    for row in numbered_rows(decoded.lines, delimiter):
        line, cells = row.line, row.cells
        if len(cells) < 2:
            continue
        key = canonical_name(cells[0])
        value, unit = cells[1], cells[2] if len(cells) > 2 else ""
        if key in first_line and fields[key] != (value, unit):
            raise ParseError(
                f"Field '{cells[0].strip()}' appears twice in '{path}' (lines {first_line[key]} and {line}) "
                "with different values. Expected each field once.",
                file=path,
                line=line,
                column=cells[0].strip(),
            )
        first_line.setdefault(key, line)
        fields.setdefault(key, (value, unit))
        names.setdefault(key, cells[0].strip())
        match = c.NUMBERED_FIELD.match(key)
        if match:
            numbered[(match.group(1), int(match.group(2)))] = (line, value, unit)
    for key, label in c.STRUCTURE_FIELDS.items():
        if key not in fields:
            raise ParseError(
                f"Unable to find the field '{label}' in '{path}'. Expected a ChemStation CSV report "
                "header (Report00.CSV) declaring its signals and peak-table columns.",
                file=path,
                column=label,
            )
    signal_count = _whole_number(
        fields["numberofsignals"][0], file=path, line=first_line["numberofsignals"], key="Number of Signals"
    )
    column_count = _whole_number(
        fields["numberofcolumns"][0], file=path, line=first_line["numberofcolumns"], key="Number of Columns"
    )
    columns: list[tuple[str, str | None]] = []
    for index in range(1, column_count + 1):
        declared = numbered.get(("column", index))
        if declared is None:
            raise ParseError(
                f"'{path}' declares {column_count} columns (line {first_line['numberofcolumns']}) but has "
                f"no 'Column {index}' field. Expected 'Column 1' to 'Column {column_count}'.",
                file=path,
                line=first_line["numberofcolumns"],
                column=f"Column {index}",
            )
        columns.append((declared[1], declared[2] or None))
    extra_columns = sorted(n for kind, n in numbered if kind == "column" and n > column_count)
    if extra_columns:
        raise ParseError(
            f"'{path}' declares {column_count} columns but also has 'Column {extra_columns[0]}'. "
            "Expected the column fields to match 'Number of Columns'.",
            file=path,
            line=numbered[("column", extra_columns[0])][0],
            column=f"Column {extra_columns[0]}",
        )
    signals = {n: numbered[(kind, n)][1].strip() for kind, n in numbered if kind == "signal"}
    return CsvReportHeader(
        path=path,
        encoding=decoded.encoding,
        delimiter=delimiter,
        fields=fields,
        names=names,
        lines=tuple(decoded.lines),
        signal_count=signal_count,
        signals=signals,
        columns=columns,
        columns_line=numbered[("column", 1)][0] if columns else first_line["numberofcolumns"],
        decoding_warnings=decoded.warnings,
    )


def read_peak_table(
    path: Path, *, delimiter: str, columns: list[tuple[str, str | None]], encoding: str | None = None
) -> PeakTableRows:
    """Read one ``REPORTnn.CSV``; a header row, when an export has one, is recognised and skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"File '{path}' could not be read: {exc.strerror}.", file=path) from exc
    if not data:
        # ChemStation leaves the table of a signal without peaks empty.
        return PeakTableRows(path=path, encoding="utf-16", rows=[])
    decoded = decode_bytes(data, file=path, hint=encoding)
    rows = numbered_rows(decoded.lines, delimiter)
    names = [canonical_name(name) for name, _ in columns]
    if rows and [canonical_name(cell) for cell in rows[0].cells] == names:
        rows = rows[1:]
    return PeakTableRows(path=path, encoding=decoded.encoding, rows=rows)
