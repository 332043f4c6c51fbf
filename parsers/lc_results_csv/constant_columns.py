"""Result columns that hold one value on every row, kept as run metadata too (by both reading paths:
pyarrow columns on the ordinary path, lists on the small path)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from ingest.models import Scalar
from parsers.lc_results_csv.columns import ColumnLayout

ColumnT = TypeVar("ColumnT")

#: Result columns whose value, when every row shares it, is also the run's.
RUN_WIDE_RESULT_COLUMNS = ("sample_id", "sample_name", "injection", "signal")


def add_constant_columns(
    metadata: dict[str, Scalar],
    layout: ColumnLayout,
    columns: Mapping[str, ColumnT],
    extras: Mapping[str, ColumnT],
    constant: Callable[[ColumnT], tuple[bool, Scalar]],
) -> None:
    """Add to ``metadata`` each of :data:`RUN_WIDE_RESULT_COLUMNS` and each extra column that ``constant``
    finds holds one value on every row (a key already set is kept), and the unit of each extra kept."""
    for key in RUN_WIDE_RESULT_COLUMNS:
        found, value = constant(columns[key])
        if found:
            metadata[key] = value
    for name, values in extras.items():
        found, value = constant(values)
        if found and name not in metadata:
            metadata[name] = value
    for source in layout.extras:
        if source.unit and source.key in metadata:
            metadata[f"{source.key}_unit"] = source.unit


def constant_array(values: pa.ChunkedArray) -> tuple[bool, Scalar]:
    """(whether the column holds one value on every row, that value)."""
    if len(values) == 0 or values.null_count:
        return False, None
    extremes = pc.min_max(values)  # one pass without hashing: different ends, several values
    if extremes["min"] != extremes["max"]:
        return False, None
    if pa.types.is_floating(values.type) and len(pc.unique(values)) != 1:
        return False, None  # -0.0 and 0.0 are equal ends but two values
    value: Scalar = values[0].as_py()
    return True, value


def constant_list(values: list[Any]) -> tuple[bool, Scalar]:
    """:func:`constant_array` of a column held as a list (None where empty): 0.0 and -0.0 are two values."""
    if not values or None in values:
        return False, None
    first = values[0]
    if isinstance(first, float):
        sign = math.copysign(1.0, first)
        if any(value != first or math.copysign(1.0, value) != sign for value in values):
            return False, None
    elif any(value != first for value in values):
        return False, None
    return True, first
