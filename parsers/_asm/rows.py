"""Result rows of a technique -> the results frame, extra columns typed and their units kept.

Technique readers give each row the contract's columns by name and any further values as *extras*
(keyed by their ASM name, with a unit where ASM gives one). Extras become snake_case columns after the
contract's: numbers when every value is a number, text otherwise. An extra's unit goes to
``ParsedFile.column_units`` when one unit holds for the whole column, and to a ``<column>_unit`` text
column when rows differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ingest.contract import CONTRACTS, FLOAT, STRING
from parsers._plugin.frames import ResultColumns

_NOT_SNAKE = re.compile(r"[^a-z0-9]+")
_UNITLESS = frozenset({"(unitless)", "unitless", "", "#"})


def snake_name(name: str) -> str:
    """``"compartment temperature"`` -> ``compartment_temperature``; ``"Conc/Dil"`` -> ``conc_dil``."""
    snake = _NOT_SNAKE.sub("_", name.lower()).strip("_") or "value"
    return snake if snake[0].isalpha() else f"x_{snake}"


@dataclass
class Row:
    """One result row: contract values, and extras (ASM name -> value, unit)."""

    values: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, tuple[Any, str | None]] = field(default_factory=dict)

    def extra(self, name: str, value: Any, unit: str | None = None) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            value = "true" if value else "false"
        self.extras.setdefault(name, (value, None if unit in _UNITLESS else unit))


@dataclass(frozen=True)
class BuiltFrame:
    results: pd.DataFrame
    column_units: dict[str, str]


def build_frame(technique: str, rows: list[Row]) -> BuiltFrame:
    """The results frame of ``technique`` holding ``rows`` (contract columns first, then extras)."""
    contract_names = set(CONTRACTS[technique].names)
    names: dict[str, str] = {}  # ASM extra name -> column
    for row in rows:
        for asm_name in row.extras:
            if asm_name not in names:
                column = snake_name(asm_name)
                while column in contract_names or column in names.values():
                    column += "_extra"
                names[asm_name] = column
    dtypes: dict[str, pd.ArrowDtype] = {}
    units: dict[str, set[str | None]] = {}
    for asm_name, column in names.items():
        present = [row.extras[asm_name] for row in rows if asm_name in row.extras]
        numeric = all(isinstance(v, (int, float)) for v, _ in present)
        dtypes[column] = FLOAT if numeric else STRING
        units[column] = {u for _, u in present}
    # One unit for the whole column goes to column_units; rows with different units get a unit column.
    unit_columns: dict[str, str] = {}
    for column, found in units.items():
        if len(found - {None}) > 1:
            unit_column = f"{column}_unit"
            while unit_column in dtypes or unit_column in contract_names:
                unit_column += "_extra"
            dtypes[unit_column] = STRING
            unit_columns[column] = unit_column
    builder = ResultColumns(dtypes, technique=technique)
    for row in rows:
        values: dict[str, Any] = dict(row.values)
        for asm_name, (value, unit) in row.extras.items():
            column = names[asm_name]
            values[column] = _typed(value, dtypes[column])
            if column in unit_columns:
                values[unit_columns[column]] = unit
        builder.append(values)
    column_units: dict[str, str] = {}
    for column, found in units.items():
        known = [u for u in found if u is not None]
        if column not in unit_columns and len(known) == 1:
            column_units[column] = known[0]
    return BuiltFrame(builder.frame(), column_units)


def _typed(value: Any, dtype: pd.ArrowDtype) -> Any:
    if dtype == STRING and not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return value


def first_text(*values: str | None) -> str | None:
    return next((v for v in values if v), None)
