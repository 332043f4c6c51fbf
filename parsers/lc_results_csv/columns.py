"""Matching an LC results CSV header row to the format's columns (aliases, units, duplicates)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ingest.contract import RESULT_COLUMNS
from ingest.errors import ParseError
from parsers.lc_results_csv.constants import COLUMNS, REQUIRED, RT_UNITS

_UNIT = re.compile(r"^(?P<base>.*?)\s*[\[(](?P<unit>[^\])]*)[\])]\s*$")


def normalize_header(header: str) -> str:
    """Lower-case, without whitespace or underscores: ``'Sample ID'`` and ``'sample_id'`` match."""
    return re.sub(r"[\s_]+", "", header.strip().lstrip("\ufeff").lower())


_ALIASES: dict[str, str] = {
    normalize_header(alias): key for key, (_, aliases) in COLUMNS.items() for alias in aliases
}


def snake_case(text: str) -> str:
    """A header as a snake_case column name (``'Injection Volume'`` -> ``'injection_volume'``)."""
    snake = re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")
    if not snake:
        return "column"
    return f"col_{snake}" if snake[0].isdigit() else snake


@dataclass(frozen=True)
class SourceColumn:
    """One CSV column: its position, header as written, the name it maps to, and a header unit."""

    index: int
    header: str
    key: str
    unit: str | None = None


@dataclass(frozen=True)
class ColumnLayout:
    """The known columns found (by canonical key) and the extra columns (by snake_case name)."""

    known: Mapping[str, SourceColumn]
    extras: tuple[SourceColumn, ...]
    #: Positions of columns whose header cell is blank (kept only when they hold values).
    unnamed: tuple[int, ...] = ()

    @property
    def rt_factor(self) -> float:
        """Factor from the file's retention-time unit to minutes."""
        unit = self.known["retention_time_min"].unit
        return 1.0 if unit is None else RT_UNITS[unit.lower()]


@lru_cache(maxsize=4096)
def _match(header: str) -> tuple[str | None, str | None, str]:
    """(known key or None, unit or None, base text) for one header."""
    normalized = normalize_header(header)
    if normalized in _ALIASES:
        return _ALIASES[normalized], None, header
    found = _UNIT.match(header.strip())
    if found:
        base = found.group("base")
        unit = found.group("unit").strip() or None
        return _ALIASES.get(normalize_header(base)), unit, base
    return None, None, header


def find_known_keys(headers: Sequence[str]) -> set[str]:
    """The known column keys among ``headers`` (never raises; used by ``sniff``)."""
    return {key for key in (_match(h)[0] for h in headers) if key is not None}


#: Layouts of the header rows seen (a site's exports share a few); a bad header row is never kept.
_LAYOUTS: dict[tuple[str, ...], ColumnLayout] = {}
_MAX_LAYOUTS = 256


def resolve_headers(headers: Sequence[str], *, file: Path) -> ColumnLayout:
    """Map a header row to a ColumnLayout; ParseError for duplicates, missing required columns, bad units.

    The layout depends on the header cells alone, so it is worked out once per distinct header row.
    """
    key = tuple(headers)
    layout = _LAYOUTS.get(key)
    if layout is None:
        layout = _resolve_headers(key, file=file)
        if len(_LAYOUTS) >= _MAX_LAYOUTS:
            _LAYOUTS.clear()
        _LAYOUTS[key] = layout
    return layout


def _resolve_headers(headers: Sequence[str], *, file: Path) -> ColumnLayout:
    known: dict[str, SourceColumn] = {}
    extras: dict[str, SourceColumn] = {}
    seen: dict[str, SourceColumn] = {}
    unnamed: list[int] = []
    for index, header in enumerate(headers):
        if not header.strip():
            unnamed.append(index)  # often a trailing delimiter; the parser keeps it if it holds values
            continue
        normalized = normalize_header(header)
        if normalized in seen:
            raise ParseError(
                f"Column header {header.strip()!r} appears twice in '{file.name}' (columns "
                f"{seen[normalized].index + 1} and {index + 1}). Expected each column once.",
                file=file,
                column=header.strip(),
            )
        key, unit, base = _match(header)
        column = SourceColumn(index, header.strip(), key or snake_case(base), unit)
        seen[normalized] = column
        if key is None:
            if column.key in RESULT_COLUMNS or column.key in COLUMNS or column.key in extras:
                other = extras.get(column.key)
                raise ParseError(
                    f"Column {column.header!r} of '{file.name}' would be stored as '{column.key}', which "
                    + (f"column {other.header!r} already is" if other else "is a reserved column name")
                    + ". Expected distinct column names.",
                    file=file,
                    column=column.header,
                )
            extras[column.key] = column
            continue
        if key in known:
            raise ParseError(
                f"Columns {known[key].header!r} and {column.header!r} of '{file.name}' both mean "
                f"'{COLUMNS[key][0]}'. Expected only one of them.",
                file=file,
                column=column.header,
            )
        if key == "retention_time_min" and unit is not None and unit.lower() not in RT_UNITS:
            raise ParseError(
                f"Unable to use unit {unit!r} of column {column.header!r} in '{file.name}'. "
                f"Expected a retention time unit among {sorted(RT_UNITS)}.",
                file=file,
                column=column.header,
            )
        known[key] = column
    found = [h.strip() for h in headers if h.strip()]
    for key in REQUIRED:
        if key not in known:
            raise ParseError(
                f"Unable to find column '{COLUMNS[key][0]}' in '{file.name}'. Found: {found}",
                file=file,
                column=COLUMNS[key][0],
            )
    # Read-only: one layout serves every file with this header row.
    return ColumnLayout(known=MappingProxyType(known), extras=tuple(extras.values()), unnamed=tuple(unnamed))
