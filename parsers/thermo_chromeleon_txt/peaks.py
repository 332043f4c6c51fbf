"""An optional Chromeleon peak table section (``Integration Results:``) -> normalized result rows.

Chromeleon's report columns are user-configurable; they are matched by name without spaces, dots or
the bracketed unit (``Retention Time (min)``, ``Ret.Time``, ``RT [min]`` all mean the retention time).
A ``Total``/``Sum`` footer row is not a peak.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.errors import ParseError
from parsers._common.column_aliases import locate_columns
from parsers._common.numbers import parse_number
from parsers.thermo_chromeleon_txt.constants import (
    FOOTERS,
    PEAK_COLUMNS,
    PEAK_REQUIRED,
    PEAK_TEXT_COLUMNS,
    PEAK_TIME_COLUMNS,
)
from parsers.thermo_chromeleon_txt.reader import Section, unit_of


def _canonical(header: str) -> str:
    text = header
    unit = unit_of(header)
    if unit is not None:
        text = text.replace(unit, "")
    return "".join(ch for ch in text.lower() if ch not in " .()[]-_")


def _minutes_factor(unit: str | None, header: str, file: Path, line: int) -> float:
    if unit is None or unit.lower() in {"min", "minutes"}:
        return 1.0
    if unit.lower() in {"s", "sec", "seconds"}:
        return 1 / 60
    raise ParseError(
        f"Unable to use unit {unit!r} of column '{header}' in '{file}' line {line}. Expected 'min' or 's'.",
        file=file,
        line=line,
        column=header,
    )


def read_peak_rows(section: Section, *, file: Path, signal: str | None) -> list[dict[str, Any]]:
    """Rows of a peak table section with normalized keys; units from the column headers."""
    if not section.rows:
        return []
    header, data = section.rows[0], section.rows[1:]
    names = [cell.strip() for cell in header.cells]
    lowered = [n.lower() for n in names if n]
    dupes = sorted({n for n in lowered if lowered.count(n) > 1})
    if dupes:
        raise ParseError(
            f"Columns {dupes} appear twice in section '{section.title}:' of '{file}' line {header.line}. "
            "Expected unique column names.",
            file=file,
            line=header.line,
        )
    located = locate_columns(names, PEAK_COLUMNS, canonical=_canonical)
    missing = [key for key in PEAK_REQUIRED if key not in located]
    if missing:
        raise ParseError(
            f"Unable to find column {', '.join(repr(m) for m in missing)} in section '{section.title}:' of "
            f"'{file}' line {header.line}. Found: {[n for n in names if n]}.",
            file=file,
            line=header.line,
            column=missing[0],
        )
    factors = {
        key: _minutes_factor(unit_of(names[located[key]]), names[located[key]], file, header.line)
        for key in PEAK_TIME_COLUMNS
        if key in located
    }
    area_unit = unit_of(names[located["area"]])
    height_unit = unit_of(names[located["height"]]) if "height" in located else None
    rows: list[dict[str, Any]] = []
    for position, row in enumerate(data, start=1):
        first = row.cells[0].strip().lower() if row.cells else ""
        if first in FOOTERS or (len(row.cells) > 1 and row.cells[1].strip().lower() in FOOTERS):
            continue
        if len(row.cells) > len(names):
            raise ParseError(
                f"Row at '{file}' line {row.line} in section '{section.title}:' has {len(row.cells)} cells; "
                f"the header has {len(names)}. Expected at most {len(names)}.",
                file=file,
                line=row.line,
            )
        values: dict[str, Any] = {"signal": signal, "area_unit": area_unit, "height_unit": height_unit}
        for key, index in located.items():
            raw = row.cells[index] if index < len(row.cells) else ""
            if key in PEAK_TEXT_COLUMNS:
                values[key] = raw.strip() or None
                continue
            number = parse_number(raw, file=file, line=row.line, column=names[index])
            if number is not None and key in factors:
                number *= factors[key]
            values[key] = number
        if values.get("retention_time_min") is None:
            raise ParseError(
                f"Row at '{file}' line {row.line} in section '{section.title}:' has no retention time. "
                "Expected a number.",
                file=file,
                line=row.line,
                column=names[located["retention_time_min"]],
            )
        number = values.get("peak_number")
        values["peak_number"] = int(number) if isinstance(number, float) else position
        rows.append(values)
    return rows
