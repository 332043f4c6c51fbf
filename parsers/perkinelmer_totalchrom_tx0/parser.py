"""PerkinElmer TotalChrom report (``.TX0``) -> ParsedFile: one result row per detected peak.

The header gives the run metadata (sample, instrument, channel, acquisition time, volume, methods).
The report table whose columns include an area is the peak table; rows numbered ``-`` are calibrated
components that were not found (all values zero): they are not results, and the "Missing Component
Report" names them in metadata ``missing_components``. The table's total row is checked against the
sum of the areas read, so a misread decimal mark is refused rather than stored. GC reports carry no
trace; the raw ``.raw`` file named in the header stays on the instrument PC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints, Provenance, Scalar
from parsers._common.dates import DateOrderSetting
from parsers._common.decoding import decode_head, read_text
from parsers._common.numbers import parse_number
from parsers._plugin.frames import ResultColumns
from parsers.perkinelmer_totalchrom_tx0 import constants as c
from parsers.perkinelmer_totalchrom_tx0.dates import read_dates
from parsers.perkinelmer_totalchrom_tx0.reader import (
    Cell,
    HeaderEntry,
    Line,
    Report,
    Table,
    looks_like_totalchrom,
    read_report,
)

_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+(?:[eE][+-]?\d+)?$")


class TotalChromReportParser:
    """TotalChrom 6.x "ASCII report" files (any report format with an area column)."""

    name: ClassVar[str] = "perkinelmer_totalchrom_tx0"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".tx0", ".txt")

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_totalchrom(decode_head(head))

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        hints = hints or ParseHints()
        decoded = read_text(path, encodings=("utf-8", "cp1252", "latin-1"), hint=hints.encoding)
        report = read_report(decoded, file=path)
        comma = _decimal_comma(report, path)
        warnings: list[str] = list(decoded.warnings)
        metadata = _metadata(
            report.header, comma=comma, file=path, warnings=warnings, date_order=hints.date_order
        )
        peak_table = _peak_table(report, path)
        missing = _missing_components(report, comma=comma, file=path)
        if missing:
            metadata["missing_components"] = "; ".join(missing)
        warnings.extend(
            f"The report carries the note {_note_text(note)!r} (line {note.number})."
            for note in report.notes
            if note.filled and note.filled[0].text.strip().lower().startswith("warning")
        )
        columns = _peak_rows(peak_table, metadata, comma=comma, file=path)
        if not len(columns):
            warnings.append(
                f"The peak table '{peak_table.title}' of '{path}' (line {peak_table.title_line}) lists no "
                "detected peak; the run has no results."
            )
        return ParsedFile(
            metadata=metadata,
            results=columns.frame(),
            provenance=Provenance(self.name, self.version, path, encoding=decoded.encoding),
            warnings=tuple(warnings),
        )


def _note_text(note: Line) -> str:
    return " ".join(cell.text.strip() for cell in note.filled)


def _decimal_comma(report: Report, file: Path) -> bool:
    """The file's decimal mark, from its quoted numbers (TotalChrom quotes table values)."""
    texts = [
        cell.text.strip()
        for table in report.tables
        for line in (*table.rows, *((table.total,) if table.total else ()))
        for cell in line.cells
        if cell.quoted
    ]
    texts += [cell.text.strip() for entry in report.header for cell in entry.values if cell.quoted]
    comma = any(_COMMA_DECIMAL.match(t) for t in texts)
    point = any(_POINT_DECIMAL.match(t) for t in texts) or any(
        _POINT_DECIMAL.match(cell.text) for entry in report.header for cell in entry.values if not cell.quoted
    )
    if not comma and not point:
        # No quoted decimals (an empty peak table): a decimal-comma PC still splits its header numbers,
        # "Delay Time:",0,00,"min" -> two unquoted digit cells before the unit.
        comma = any(_split_by_comma(entry) for entry in report.header if entry.key in c.NUMBER_KEYS)
    if comma and point:
        raise ParseError(
            f"'{file}' writes numbers with both a decimal comma and a decimal point. "
            "Expected one decimal mark throughout a TotalChrom report.",
            file=file,
        )
    return comma


def _split_by_comma(entry: HeaderEntry) -> bool:
    values = list(entry.values)
    return (
        len(values) >= 2
        and not values[0].quoted
        and not values[1].quoted
        and values[0].text.lstrip("-").isdigit()
        and values[1].text.isdigit()
    )


def _joined_number(
    values: Sequence[Cell], *, comma: bool, entry: HeaderEntry, file: Path
) -> tuple[str, str | None]:
    """The number of a header entry (its unquoted cells joined by the decimal mark) and its unit."""
    numbers = [cell.text for cell in values if not cell.quoted and cell.text]
    quoted = [cell.text.strip() for cell in values if cell.quoted and cell.text.strip()]
    unit = None
    if not numbers and quoted:
        numbers, quoted = [quoted[0]], quoted[1:]
    if quoted:
        unit = quoted[0]
    if len(numbers) == 1:
        return numbers[0], unit
    if len(numbers) == 2 and comma:
        return f"{numbers[0]},{numbers[1]}", unit
    raise ParseError(
        f"Unable to read {entry.label!r} in '{file}' line {entry.line}: its value is written as "
        f"{[cell.text for cell in values]}. Expected one number (with a decimal comma only on a "
        "decimal-comma PC).",
        file=file,
        line=entry.line,
        column=entry.label,
    )


def _metadata(
    header: Sequence[HeaderEntry],
    *,
    comma: bool,
    file: Path,
    warnings: list[str],
    date_order: DateOrderSetting | None = None,
) -> dict[str, Scalar]:
    meta: dict[str, Scalar] = {}
    dates: dict[str, tuple[str, int]] = {}
    for entry in header:
        text = next((cell.text.strip() for cell in entry.values if cell.text.strip()), "")
        if entry.key in c.TEXT_KEYS:
            if text:
                meta.setdefault(c.TEXT_KEYS[entry.key], text)
        elif entry.key in c.NUMBER_KEYS:
            if not any(cell.text.strip() for cell in entry.values):
                continue
            raw, unit = _joined_number(entry.values, comma=comma, entry=entry, file=file)
            key = c.NUMBER_KEYS[entry.key]
            meta[key] = parse_number(raw, file=file, line=entry.line, column=entry.label)
            if key == "injection_volume" and unit:
                meta["injection_volume_unit"] = c.VOLUME_UNITS.get(unit.lower(), unit)
            elif key == "sampling_rate" and unit:
                meta["sampling_rate_unit"] = unit
        elif entry.key == c.RACK_VIAL_KEY:
            parts = [cell.text.strip() for cell in entry.values if cell.text.strip()]
            if len(parts) == 2:
                meta["rack"], meta["vial"] = parts
            elif parts:
                meta["vial"] = parts[-1]
        elif entry.key in (c.ACQUISITION_KEY, c.REPORT_DATE_KEY):
            if text:
                dates[entry.key] = (text, entry.line)
        elif text:
            meta.setdefault(_snake(entry.label), text)
    meta.update(read_dates(dates, file=file, warnings=warnings, date_order=date_order))
    for path_key, name_key in (("method_file", "method"), ("sequence_file", "sequence")):
        path = meta.get(path_key)
        if isinstance(path, str):
            meta[name_key] = _windows_stem(path)
    return {key: value for key, value in meta.items() if value is not None}


def _snake(label: str) -> str:
    words = re.findall(r"[a-z0-9]+", label.lower())
    name = "_".join(words)
    return name if name and name[0].isalpha() else f"field_{name}"


def _windows_stem(path: str) -> str:
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip()
    return name.rsplit(".", 1)[0] if "." in name else name


def _header_names(table: Table) -> list[str]:
    """Each column's name and unit joined, lower-case without spaces (``time[min]``)."""
    width = max(len(line.cells) for line in table.header)
    names = []
    for index in range(width):
        parts = [line.cells[index].text for line in table.header if index < len(line.cells)]
        names.append(re.sub(r"\s+", "", "".join(parts)).lower())
    return names


def _locate(names: list[str]) -> dict[str, int]:
    located: dict[str, int] = {}
    for index, name in enumerate(names):
        for key, aliases in c.PEAK_COLUMNS.items():
            if name in aliases and key not in located:
                located[key] = index
                break
    return located


def _peak_table(report: Report, file: Path) -> Table:
    for table in report.tables:
        if not table.header:
            continue
        located = _locate(_header_names(table))
        if "area" in located and ("retention_time_min" in located or "retention_time_s" in located):
            return table
    titles = [table.title for table in report.tables]
    raise ParseError(
        f"Unable to find a peak table in '{file}': the report's tables are {titles}. "
        "Expected one with a 'Time' column in [min] or [s] and an 'Area' column.",
        file=file,
    )


def _cell_number(line: Line, index: int, *, column: str, file: Path) -> float | None:
    # A number split by a decimal comma would have failed the row's cell count check before this.
    text = line.cells[index].text.strip()
    if set(text) == {"-"}:
        return None
    return parse_number(text, file=file, line=line.number, column=column)


def _peak_rows(table: Table, metadata: dict[str, Scalar], *, comma: bool, file: Path) -> ResultColumns:
    names = _header_names(table)
    located = _locate(names)
    labels = [
        " ".join(line.cells[i].text.strip() for line in table.header if i < len(line.cells))
        for i in range(len(names))
    ]
    units = [
        table.header[-1].cells[i].text.strip().lower()
        if len(table.header) > 1 and i < len(table.header[-1].cells)
        else ""
        for i in range(len(names))
    ]
    area_unit = c.AREA_UNITS.get(units[located["area"]].replace(" ", "")) if "area" in located else None
    height_unit = (
        c.HEIGHT_UNITS.get(units[located["height"]].replace(" ", "")) if "height" in located else None
    )
    columns = ResultColumns(
        {**dict.fromkeys(c.EXTRA_NUMBER_COLUMNS, FLOAT), **dict.fromkeys(c.EXTRA_TEXT_COLUMNS, STRING)}
    )
    areas: list[float] = []
    area_texts: list[str] = []
    for line in table.rows:
        if len(line.cells) != len(names):
            raise ParseError(
                f"Row at '{file}' line {line.number} has {len(line.cells)} cells for the "
                f"{len(names)} columns of table '{table.title}' (line {table.title_line}). "
                "Expected one cell per column (are numbers written with a decimal comma but not quoted?).",
                file=file,
                line=line.number,
            )
        number_cell = line.cells[located["peak_number"]].text.strip() if "peak_number" in located else ""
        if number_cell == "-":
            continue  # a calibrated component not found: listed in missing_components
        values: dict[str, Any] = {
            "sample_id": metadata.get("sample_id"),
            "sample_name": metadata.get("sample_name"),
            "injection": metadata.get("cycle"),
            "signal": metadata.get("channel"),
            "area_unit": area_unit,
            "height_unit": height_unit,
        }
        for key, index in located.items():
            if key in c.PEAK_TEXT_COLUMNS:
                values[key] = line.cells[index].text.strip() or None
            elif key == "peak_number":
                number = _cell_number(line, index, column=labels[index], file=file)
                if number is not None and not number.is_integer():
                    raise ParseError(
                        f"Unable to read peak number {line.cells[index].text!r} in '{file}' "
                        f"line {line.number}. "
                        "Expected a whole number or '-'.",
                        file=file,
                        line=line.number,
                        column=labels[index],
                    )
                values[key] = int(number) if number is not None else None
            elif key == "retention_time_s":
                seconds = _cell_number(line, index, column=labels[index], file=file)
                values["retention_time_min"] = seconds / 60 if seconds is not None else None
            else:
                values[key] = _cell_number(line, index, column=labels[index], file=file)
        if values.get("area") is not None:
            areas.append(float(values["area"]))
            area_texts.append(line.cells[located["area"]].text.strip())
        columns.append({k: v for k, v in values.items() if k != "retention_time_s"})
    _check_total(table, located, areas, area_texts, comma=comma, file=file)
    return columns


def _check_total(
    table: Table,
    located: dict[str, int],
    areas: list[float],
    area_texts: list[str],
    *,
    comma: bool,
    file: Path,
) -> None:
    if table.total is None or "area" not in located:
        return
    cells = list(table.total.cells)
    # The total row leaves numbers unquoted ("1,97e+06"): rebuild them on a decimal-comma PC.
    rebuilt: list[str] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        if comma and not cell.quoted and cell.text and index + 1 < len(cells) and not cells[index + 1].quoted:
            rebuilt.append(f"{cell.text},{cells[index + 1].text}")
            index += 2
            continue
        rebuilt.append(cell.text)
        index += 1
    if len(rebuilt) != len(_header_names(table)):
        return  # a total row of another shape: nothing to check against
    total = parse_number(rebuilt[located["area"]], file=file, line=table.total.number, column="Area")
    if total is None:
        return
    found = math.fsum(areas)
    # Each printed area is rounded to the table's decimals: the sum may be off by half a unit per row.
    decimals = max(
        (len(re.split(r"[.,]", t)[-1]) for t in area_texts if re.search(r"[.,]\d+$", t)), default=0
    )
    tolerance = 0.5 * 10**-decimals * (len(areas) + 1)
    if abs(found - total) > tolerance:
        raise ParseError(
            f"The peak areas of '{file}' (table '{table.title}', line {table.title_line}) add up to "
            f"{found:.{decimals}f}, but its total row (line {table.total.number}) says "
            f"{total:.{decimals}f}. Expected them to agree; the table was not read correctly "
            "(is the decimal mark mixed?).",
            file=file,
            line=table.total.number,
        )


def _missing_components(report: Report, *, comma: bool, file: Path) -> list[str]:
    names: list[str] = []
    for table in report.tables:
        if table.title.strip().lower() != c.MISSING_COMPONENTS_TITLE:
            continue
        for line in table.rows:
            filled = [cell.text.strip() for cell in line.cells]
            if not filled or not filled[0]:
                continue
            expected = (
                parse_number(filled[1], file=file, line=line.number, column="Expected Retention")
                if len(filled) > 1
                else None
            )
            names.append(f"{filled[0]} (expected at {expected:g} min)" if expected is not None else filled[0])
    return names
