"""A Chromeleon peak table section (``Integration Results``) -> normalized result rows.

Chromeleon's report columns are user-configurable; they are matched by name without spaces, dots or
the bracketed unit (``Retention Time (min)``, ``Ret.Time``, ``RT [min]`` all mean the retention time).
The "Chromatogram and Results" report prints the units on a row of their own under the header
(``min``, ``mAU*min``, ``%``) and, at times, the channel on a further row (``UV_VIS_1``); both are read
as such, never as peaks. A ``Total``/``Sum`` footer row is not a peak. A named component the processing
method expected but did not find has neither retention time nor area (``n.a.``): it is left out with a
warning; any other peak without them is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._common.column_aliases import locate_columns
from parsers._common.delimited import Row
from parsers._common.numbers import NumberFormat, is_decimal, parse_number, require_number
from parsers.thermo_chromeleon_txt.constants import (
    FOOTERS,
    PEAK_COLUMNS,
    PEAK_REQUIRED,
    PEAK_TEXT_COLUMNS,
    PEAK_TIME_COLUMNS,
)
from parsers.thermo_chromeleon_txt.reader import Section, unit_of

_TIME_UNITS = {"min": 1.0, "minutes": 1.0, "s": 1 / 60, "sec": 1 / 60, "seconds": 1 / 60}


@dataclass(frozen=True)
class PeakTable:
    """The result rows of a peak table section, its channel (when printed) and warnings about it."""

    rows: list[dict[str, Any]]
    channel: str | None
    warnings: list[str]


def _canonical(header: str) -> str:
    text = header
    unit = unit_of(header)
    if unit is not None:
        text = text.replace(unit, "")
    return "".join(ch for ch in text.lower() if ch not in " .()[]-_:")


def _minutes_factor(unit: str | None, header: str, file: Path, line: int) -> float:
    if unit is None or unit.lower() in _TIME_UNITS:
        return _TIME_UNITS.get((unit or "min").lower(), 1.0)
    raise ParseError(
        f"Unable to use unit {unit!r} of column '{header}' in '{file}' line {line}. Expected 'min' or 's'.",
        file=file,
        line=line,
        column=header,
    )


def _is_footer(row: Row) -> bool:
    first = row.cells[0].strip().lower() if row.cells else ""
    return first in FOOTERS or (len(row.cells) > 1 and row.cells[1].strip().lower() in FOOTERS)


def _descriptor_rows(data: Sequence[Row], located: dict[str, int]) -> tuple[list[Row], list[Row]]:
    """(rows under the header that describe columns rather than peaks, the rest)."""
    descriptors: list[Row] = []
    rt_index = located["retention_time_min"]
    for row in data[:2]:
        cell = row.cells[rt_index].strip() if rt_index < len(row.cells) else ""
        number = row.cells[located["peak_number"]].strip() if "peak_number" in located else ""
        if _is_footer(row) or is_decimal(cell) or (number and is_decimal(number)):
            break
        descriptors.append(row)
    return descriptors, list(data[len(descriptors) :])


def read_peak_table(
    section: Section, *, file: Path, signal: str | None, number_format: NumberFormat
) -> PeakTable:
    """The peak rows of ``section`` with normalized keys; units from the header or the unit row."""
    if not section.rows:
        return PeakTable([], None, [])
    header, data = section.rows[0], section.rows[1:]
    names = [cell.strip() for cell in header.cells]
    lowered = [n.lower() for n in names if n]
    dupes = sorted({n for n in lowered if lowered.count(n) > 1})
    if dupes:
        raise ParseError(
            f"Columns {dupes} appear twice in section '{section.title}' of '{file}' line {header.line}. "
            "Expected unique column names.",
            file=file,
            line=header.line,
        )
    located = locate_columns(names, PEAK_COLUMNS, canonical=_canonical)
    missing = [key for key in PEAK_REQUIRED if key not in located]
    if missing:
        raise ParseError(
            f"Unable to find column {', '.join(repr(m) for m in missing)} in section '{section.title}' of "
            f"'{file}' line {header.line}. Found: {[n for n in names if n]}.",
            file=file,
            line=header.line,
            column=missing[0],
        )
    descriptors, data = _descriptor_rows(data, located)
    units = {key: unit_of(names[index]) for key, index in located.items()}
    channel: str | None = None
    for row in descriptors:
        cells = [cell.strip() for cell in row.cells]
        rt_cell = cells[located["retention_time_min"]] if located["retention_time_min"] < len(cells) else ""
        if rt_cell.lower() in _TIME_UNITS or any("*" in c or c == "%" for c in cells):
            for key, index in located.items():
                if index < len(cells) and cells[index] and not units.get(key):
                    units[key] = cells[index]
        else:
            area = cells[located["area"]] if located["area"] < len(cells) else ""
            channel = area or next((c for c in cells if c), None)
    factors = {
        key: _minutes_factor(units.get(key), names[located[key]], file, header.line)
        for key in PEAK_TIME_COLUMNS
        if key in located
    }
    area_unit = units.get("area")
    height_unit = units.get("height") if "height" in located else None
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for position, row in enumerate(data, start=1):
        if _is_footer(row) or not any(cell.strip() for cell in row.cells):
            continue
        if len(row.cells) > len(names):
            raise ParseError(
                f"Row at '{file}' line {row.line} in section '{section.title}' has {len(row.cells)} cells; "
                f"the header has {len(names)}. Expected at most {len(names)}.",
                file=file,
                line=row.line,
            )
        values: dict[str, Any] = {
            "signal": channel or signal,
            "area_unit": area_unit,
            "height_unit": height_unit,
        }
        raws: dict[str, str] = {}
        for key, index in located.items():
            raw = row.cells[index] if index < len(row.cells) else ""
            raws[key] = raw
            if key in PEAK_TEXT_COLUMNS:
                values[key] = raw.strip() or None
                continue
            number = parse_number(
                raw, file=file, line=row.line, column=names[index], number_format=number_format
            )
            if number is not None and key in factors:
                number *= factors[key]
            values[key] = number
        if (
            values.get("retention_time_min") is None
            and values.get("area") is None
            and values.get("peak_name")
        ):
            warnings.append(
                f"Peak '{values['peak_name']}' in '{file}' line {row.line} has no retention time and no "
                "area: a component the processing method expected but did not find. It is not stored as "
                "a result."
            )
            continue
        for key, what in (("retention_time_min", "its retention time"), ("area", "its area")):
            require_number(
                values.get(key),
                raws[key],
                file=file,
                line=row.line,
                column=names[located[key]],
                what=f"every peak needs {what}",
            )
        number = values.get("peak_number")
        values["peak_number"] = int(number) if isinstance(number, float) else position
        rows.append(values)
    if not rows:
        warnings.append(f"Section '{section.title}' of '{file}' line {section.line} lists no peaks.")
    return PeakTable(rows, channel, warnings)
