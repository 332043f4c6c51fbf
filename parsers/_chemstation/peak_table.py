"""Peak tables of ChemStation reports: column matching, units, one result row per peak, the typed frame.

The CSV report declares its columns in ``Report00.CSV`` ("Column 5","  Area  "," [mAU*s] "); the text
report prints them as a two-line header. Both are matched here by a canonical name, so that other
report templates (extra columns such as Amount or Name, other spacing) read the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.contract import STRING
from ingest.errors import ParseError
from parsers._chemstation import names as c
from parsers._common.numbers import NumberFormat, parse_number, require_number
from parsers._plugin.frames import results_frame


@dataclass(frozen=True)
class PeakColumn:
    """One column of a peak table: its header as exported, normalized key and unit."""

    header: str
    key: str
    unit: str | None


@dataclass(frozen=True)
class PeakLayout:
    """The columns of a peak table, in file order, with the extra result columns they add."""

    columns: tuple[PeakColumn, ...]

    @property
    def extras(self) -> tuple[str, ...]:
        """Result columns beyond the normalized ones: the ChemStation base extras, then unknown ones."""
        known = set(c.PEAK_COLUMNS.values())
        unknown = tuple(col.key for col in self.columns if col.key not in known)
        amount = tuple(k for k in ("amount", "amount_per_area") if any(col.key == k for col in self.columns))
        return c.BASE_EXTRA_COLUMNS + amount + unknown

    @property
    def text_extras(self) -> tuple[str, ...]:
        """Extra columns holding text (kept as text even when a table has no values)."""
        known = set(c.PEAK_COLUMNS.values())
        return ("peak_type", *(col.key for col in self.columns if col.key not in known))

    def unit(self, key: str) -> str | None:
        return next((col.unit for col in self.columns if col.key == key), None)

    @property
    def extra_units(self) -> dict[str, str]:
        """The printed unit of each extra column that has one (``Amount [ng/ul]``), for ``column_units``."""
        known = set(c.PEAK_COLUMNS.values()) - {"amount", "amount_per_area"}
        return {col.key: col.unit for col in self.columns if col.key not in known and col.unit}


def resolve_columns(
    headers: Sequence[tuple[str, str | None]], *, file: Path, line: int | None = None
) -> PeakLayout:
    """Match exported ``(name, unit)`` headers to normalized keys; ParseError when unusable.

    A unit may also be written in brackets inside the name (``RetTime [min]``).
    """
    columns: list[PeakColumn] = []
    for header, unit in headers:
        canonical = c.canonical_name(header)
        key = c.PEAK_COLUMNS.get(canonical) or c.snake_case(header)
        found_unit = c.bracketed_unit(unit) if unit and unit.strip() else None
        if found_unit is None and "[" in header:
            found_unit = c.bracketed_unit(header)
        columns.append(PeakColumn(header=header.strip(), key=key, unit=found_unit))
    keys = [col.key for col in columns]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    found = [col.header for col in columns]
    if dupes:
        raise ParseError(
            f"Peak-table columns {found} in '{file}' name {dupes} more than once. Expected each column once.",
            file=file,
            line=line,
            column=dupes[0],
        )
    for required in c.REQUIRED_PEAK_COLUMNS:
        if required not in keys:
            raise ParseError(
                f"Unable to find the {required.replace('_', ' ')} column in '{file}'. Found: {found}.",
                file=file,
                line=line,
                column=required,
            )
    for col in columns:
        if (
            col.key in ("retention_time", "peak_width")
            and (col.unit or "").lower() not in c.TIME_UNITS_TO_MIN
        ):
            raise ParseError(
                f"Column '{col.header}' in '{file}' has the unit {col.unit!r}. "
                f"Expected one of {sorted(u for u in c.TIME_UNITS_TO_MIN if u)}.",
                file=file,
                line=line,
                column=col.header,
            )
    return PeakLayout(columns=tuple(columns))


def peak_row(
    values: Sequence[str],
    layout: PeakLayout,
    *,
    file: Path,
    line: int,
    position: int,
    signal: str | None,
    run: Mapping[str, Any],
    number_format: NumberFormat | None = None,
) -> dict[str, Any]:
    """One result row from a peak's exported values (same order as ``layout.columns``).

    Every peak needs its retention time and area: a blank or missing marker there is a ParseError.
    """
    if len(values) != len(layout.columns):
        raise ParseError(
            f"Peak row {position} in '{file}' line {line} has {len(values)} values. "
            f"Expected {len(layout.columns)}, one per column {[col.header for col in layout.columns]}.",
            file=file,
            line=line,
        )
    known = set(c.PEAK_COLUMNS.values())
    cells: dict[str, Any] = {}
    for col, raw in zip(layout.columns, values, strict=True):
        if col.key in c.TEXT_PEAK_COLUMNS or col.key not in known:
            cells[col.key] = raw.strip() or None
            continue
        number = parse_number(raw, file=file, line=line, column=col.header, number_format=number_format)
        if col.key in c.REQUIRED_PEAK_COLUMNS:
            what = f"every peak needs its {col.key.replace('_', ' ')}"
            number = require_number(number, raw, file=file, line=line, column=col.header, what=what)
        if number is not None and col.key in ("retention_time", "peak_width"):
            number *= c.TIME_UNITS_TO_MIN[(col.unit or "").lower()]
        cells[col.key] = number
    peak_number = cells.pop("peak_number", None)
    if peak_number is not None and not float(peak_number).is_integer():
        raise ParseError(
            f"Peak number {peak_number!r} in '{file}' line {line} is not a whole number. "
            "Expected 1, 2, 3, ...",
            file=file,
            line=line,
            column="peak_number",
        )
    area_unit = layout.unit("area")
    height_unit = layout.unit("height")
    row: dict[str, Any] = {
        "sample_id": run.get("sample_id"),
        "sample_name": run.get("sample_name"),
        "injection": run.get("injection"),
        "signal": signal,
        "peak_number": int(peak_number) if peak_number is not None else position,
        "peak_name": cells.pop("peak_name", None),
        "retention_time_min": cells.pop("retention_time", None),
        "area": cells.pop("area", None),
        "area_unit": area_unit,
        "height": cells.pop("height", None),
        "height_unit": height_unit,
        "area_percent": cells.pop("area_percent", None),
        "peak_width_min": cells.pop("peak_width", None),
    }
    row.update(cells)
    return row


def typed_results(rows: Sequence[Mapping[str, Any]], layout: PeakLayout) -> pd.DataFrame:
    """``results_frame`` with the layout's extras; text extras stay text even when all empty."""
    frame = results_frame(rows, extra=layout.extras)
    for column in layout.text_extras:
        frame[column] = frame[column].astype(STRING)
    return frame
