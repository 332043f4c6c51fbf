"""Typed reading of Shimadzu table sections: peak tables, compound results and LC chromatograms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.column_aliases import locate_columns
from parsers._common.delimited import Row
from parsers._common.numbers import NumberFormat, parse_number, require_number
from parsers.shimadzu_labsolutions_ascii.reader import Section, normalize_key

_UNIT = re.compile(r"[\(\[]([^\)\]]*)[\)\]]")

Cell = float | str | None


@dataclass(frozen=True)
class TableRow:
    """One data row keyed by canonical column name; numbers parsed, text stripped ('' -> None)."""

    line: int
    values: Mapping[str, Cell]

    def number(self, key: str) -> float | None:
        value = self.values.get(key)
        return value if isinstance(value, float) else None

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Chromatogram:
    """An ``[LC Chromatogram(...)]`` section: times in minutes, intensities already scaled."""

    channel: str
    times: list[float]
    signals: list[float]
    unit: str | None
    multiplier: float
    wavelength_nm: float | None


def canonical_header(cell: str) -> str:
    """Lower case, no spaces, no bracketed unit: ``'R. Time (min)'`` -> ``'r.time'``."""
    return "".join(_UNIT.sub("", cell).lower().split())


def key_values(section: Section) -> dict[str, tuple[str, int]]:
    """``key -> (value, line)`` for a key/value section; keys normalized, the first value kept."""
    out: dict[str, tuple[str, int]] = {}
    for row in section.rows:
        key = normalize_key(row.cells[0]) if row.cells else ""
        if key and key not in out:
            out[key] = ((row.cells[1] if len(row.cells) > 1 else "").strip(), row.line)
    return out


def _count(
    section: Section, count_keys: frozenset[str], *, file: Path, number_format: NumberFormat | None
) -> tuple[int, int]:
    """The ``# of ...`` count opening a table section and the index of the next row."""
    if not section.rows or normalize_key(section.rows[0].cells[0]) not in count_keys:
        found = section.rows[0].cells[0] if section.rows else "nothing"
        raise ParseError(
            f"Unable to find the '{sorted(count_keys)[0]}' line in section [{section.title}] of '{file}' "
            f"line {section.line + 1} (found {found!r}). Expected it to open the table.",
            file=file,
            line=section.line + 1,
        )
    row = section.rows[0]
    raw = row.cells[1] if len(row.cells) > 1 else ""
    value = parse_number(raw, file=file, line=row.line, column=row.cells[0], number_format=number_format)
    if value is None or value < 0 or value != int(value):
        raise ParseError(
            f"Unable to read {raw.strip()!r} as a count in section [{section.title}] of '{file}' "
            f"line {row.line}. Expected a whole number.",
            file=file,
            line=row.line,
            column=row.cells[0],
        )
    return int(value), 1


def _locate(
    header: Row,
    aliases: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    section: Section,
    file: Path,
) -> dict[str, int]:
    names = [c.strip() for c in header.cells]
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name.lower() in seen:
            raise ParseError(
                f"Column '{name}' appears twice in section [{section.title}] of '{file}' line {header.line}. "
                "Expected unique column names.",
                file=file,
                line=header.line,
                column=name,
            )
        seen[name.lower()] = index
    located = locate_columns(names, aliases, canonical=canonical_header)
    missing = [key for key in required if key not in located]
    if missing:
        wanted = ", ".join(repr(aliases[key][0]) for key in missing)
        raise ParseError(
            f"Unable to find column {wanted} in section [{section.title}] of '{file}' line {header.line}. "
            f"Found: {[n for n in names if n]}.",
            file=file,
            line=header.line,
            column=aliases[missing[0]][0],
        )
    return located


def read_table(
    section: Section,
    *,
    file: Path,
    count_keys: frozenset[str],
    aliases: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    text_columns: frozenset[str],
    number_format: NumberFormat | None = None,
    required_values: tuple[str, ...] = (),
) -> list[TableRow]:
    """Read a counted table (peak table, compound results); the row count must match the count line.

    Columns in ``required_values`` must hold a number on every row (a blank or ``n.a.`` is refused).
    """
    expected, start = _count(section, count_keys, file=file, number_format=number_format)
    body = section.rows[start:]
    if expected == 0 and not body:
        return []
    if not body:
        raise ParseError(
            f"Section [{section.title}] of '{file}' line {section.line} announces {expected} rows but has "
            "no column header. Expected a header line and the rows.",
            file=file,
            line=section.line,
        )
    header, data = body[0], body[1:]
    columns = _locate(header, aliases, required, section, file)
    width = len(header.cells)
    rows: list[TableRow] = []
    for row in data:
        extra = [c for c in row.cells[width:] if c.strip()]
        if extra:
            raise ParseError(
                f"Row at '{file}' line {row.line} in section [{section.title}] has {len(row.cells)} cells; "
                f"the header has {width}. Expected at most {width} cells.",
                file=file,
                line=row.line,
            )
        values: dict[str, Cell] = {}
        for key, index in columns.items():
            raw = row.cells[index] if index < len(row.cells) else ""
            if key in text_columns:
                values[key] = raw.strip() or None
                continue
            column = header.cells[index].strip()
            number = parse_number(raw, file=file, line=row.line, column=column, number_format=number_format)
            if key in required_values:
                number = require_number(
                    number,
                    raw,
                    file=file,
                    line=row.line,
                    column=column,
                    what=f"every row of [{section.title}]",
                )
            values[key] = number
        rows.append(TableRow(row.line, values))
    if len(rows) != expected:
        raise ParseError(
            f"Section [{section.title}] of '{file}' line {section.line} announces {expected} rows but holds "
            f"{len(rows)}. Expected the count to match (is the file truncated?).",
            file=file,
            line=section.line,
        )
    return rows


def read_chromatogram(
    section: Section, *, file: Path, point_keys: frozenset[str], number_format: NumberFormat | None = None
) -> Chromatogram:
    """Read an ``[LC Chromatogram(...)]`` section: settings lines, a column header, then time/value rows."""
    settings: dict[str, tuple[str, int]] = {}
    header: Row | None = None
    data_start = len(section.rows)
    for position, row in enumerate(section.rows):
        first = row.cells[0].strip() if row.cells else ""
        if "time" in first.lower() and len(row.cells) > 1 and "intensity" in row.cells[1].lower():
            header, data_start = row, position + 1
            break
        settings[normalize_key(first)] = ((row.cells[1] if len(row.cells) > 1 else "").strip(), row.line)
    if header is None:
        raise ParseError(
            f"Unable to find the 'R.Time (min)' / 'Intensity' header in section [{section.title}] "
            f"of '{file}' line {section.line}. Expected it before the data points.",
            file=file,
            line=section.line,
        )
    multiplier = _setting_number(settings, "intensity multiplier", section, file, number_format) or 1.0
    wavelength = _setting_number(settings, "wavelength(nm)", section, file, number_format, lenient=True)
    times: list[float] = []
    signals: list[float] = []
    time_col, value_col = header.cells[0].strip(), header.cells[1].strip()
    for row in section.rows[data_start:]:
        if len(row.cells) < 2:
            raise ParseError(
                f"Row at '{file}' line {row.line} in section [{section.title}] has {len(row.cells)} cell(s). "
                f"Expected '{time_col}' and '{value_col}'.",
                file=file,
                line=row.line,
            )
        time = parse_number(
            row.cells[0], file=file, line=row.line, column=time_col, number_format=number_format
        )
        value = parse_number(
            row.cells[1], file=file, line=row.line, column=value_col, number_format=number_format
        )
        if time is None or value is None:
            raise ParseError(
                f"Row at '{file}' line {row.line} in section [{section.title}] has an empty value. "
                f"Expected numbers for '{time_col}' and '{value_col}'.",
                file=file,
                line=row.line,
            )
        times.append(time)
        signals.append(value * multiplier + 0.0)  # + 0.0 turns -0.0 into 0.0
    points = next((settings[k] for k in point_keys if k in settings), None)
    if points is not None:
        expected = parse_number(
            points[0], file=file, line=points[1], column="# of Points", number_format=number_format
        )
        if expected is not None and int(expected) != len(times):
            raise ParseError(
                f"Section [{section.title}] of '{file}' line {points[1]} announces {int(expected)} "
                f"points but holds {len(times)}. Expected the count to match (is the file truncated?).",
                file=file,
                line=points[1],
            )
    unit = settings.get("intensity units", ("", 0))[0] or None
    return Chromatogram(section.qualifier, times, signals, unit, multiplier, wavelength)


def _setting_number(
    settings: dict[str, tuple[str, int]],
    key: str,
    section: Section,
    file: Path,
    number_format: NumberFormat | None,
    *,
    lenient: bool = False,
) -> float | None:
    if key not in settings:
        return None
    raw, line = settings[key]
    try:
        return parse_number(raw, file=file, line=line, column=key, number_format=number_format)
    except ParseError:
        # LabSolutions writes "nm" instead of a number for detectors without a wavelength (RID, ELSD).
        if lenient:
            return None
        raise
