"""UNICORN curve export text -> header rows and per-pair columns of raw cells (with line numbers).

Pairs have different lengths: a curve's column ends where its points end, and the rows below are
empty in its pair. Text events are double-quoted; numbers are written with the PC's decimal mark.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.decoding import DecodedText
from parsers._common.delimited import choose_delimiter
from parsers.cytiva_unicorn_csv import constants as c


@dataclass(frozen=True)
class CurveColumns:
    """One curve's pair: its header cells and its (line, x, y) cells in file order."""

    chromatogram: str | None
    name: str
    x_unit: str
    y_unit: str
    points: list[tuple[int, str, str]]


@dataclass(frozen=True)
class CurveExport:
    delimiter: str
    curves: list[CurveColumns]
    header_rows: int


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _units_row(rows: list[list[str]]) -> int | None:
    """The index of the first row whose every pair starts with an x unit (ml, min, CV...)."""
    for index, cells in enumerate(rows[: c.MAX_HEADER_ROWS]):
        firsts = [cells[i].strip().lower() for i in range(0, len(cells), 2) if cells[i].strip()]
        if firsts and all(unit in c.X_UNITS for unit in firsts) and len(cells) >= 2:
            return index
    return None


def looks_like_curve_export(text: str) -> bool:
    """Whether decoded head text has a curve-name row, then a units row of (x unit, y unit) pairs."""
    lines = (
        text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")[: c.MAX_HEADER_ROWS + 2]
    )
    if len(lines) < 3:
        return False
    try:
        delimiter = choose_delimiter(lines[1], c.DELIMITERS)
        rows = [_cells(line, delimiter) for line in lines]
    except csv.Error:
        return False
    units = _units_row(rows)
    return units is not None and units >= 1 and any(cell.strip() for cell in rows[units - 1])


def read_curves(decoded: DecodedText, *, file: Path) -> CurveExport:
    """Split the export into its curves' pairs; ParseError when the header rows are not there."""
    lines = decoded.text.lstrip("\ufeff").split("\n")
    delimiter = choose_delimiter(lines[1] if len(lines) > 1 else lines[0], c.DELIMITERS)
    try:
        header = [_cells(line, delimiter) for line in lines[: c.MAX_HEADER_ROWS]]
    except csv.Error as exc:
        raise ParseError(
            f"Unable to split the header rows of '{file}': {exc}. Expected balanced double quotes.", file=file
        ) from exc
    units_index = _units_row(header)
    if units_index is None or units_index == 0:
        raise ParseError(
            f"Unable to find the units row in the first {c.MAX_HEADER_ROWS} lines of '{file}'. Expected a "
            "row of curve names, then a row of units whose every pair starts with ml, min or CV.",
            file=file,
            line=1,
        )
    units = header[units_index]
    names = header[units_index - 1]
    chromatograms = header[units_index - 2] if units_index >= 2 else []
    positions = [i for i in range(0, len(units), 2) if units[i].strip()]
    pairs = [
        CurveColumns(
            chromatogram=(chromatograms[i].strip() or None) if i < len(chromatograms) else None,
            name=(names[i].strip() if i < len(names) else "") or f"Curve {i // 2 + 1}",
            x_unit=units[i].strip(),
            y_unit=units[i + 1].strip() if i + 1 < len(units) else "",
            points=[],
        )
        for i in positions
    ]
    body = "\n".join(lines[units_index + 1 :])
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    try:
        for offset, cells in enumerate(reader):
            number = units_index + 2 + offset
            for pair, position in zip(pairs, positions, strict=True):
                x = cells[position].strip() if position < len(cells) else ""
                y = cells[position + 1].strip() if position + 1 < len(cells) else ""
                if x or y:
                    pair.points.append((number, x, y))
    except csv.Error as exc:
        raise ParseError(
            f"Unable to split '{file}' near line {units_index + 2 + reader.line_num}: {exc}. "
            "Expected balanced double quotes.",
            file=file,
        ) from exc
    return CurveExport(delimiter, pairs, units_index + 1)
