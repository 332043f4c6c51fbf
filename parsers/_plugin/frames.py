"""Building results frames in the shape the parser contract requires (the technique's columns first).

Two builders: :func:`results_frame` from row dicts (extras typed by their values), and
:class:`ResultColumns`, which appends values straight into one list per column with a fixed dtype per
column, for files with many rows and for formats whose extra columns must keep one dtype whatever a
given file fills (so mappings onto Benchling schemas stay stable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from ingest.contract import CONTRACTS, FLOAT, LIQUID_CHROMATOGRAPHY, STRING
from parsers._plugin.frame_blocks import frame_of_arrow_columns


def _contract_dtypes(technique: str) -> dict[str, pd.ArrowDtype]:
    contract = CONTRACTS.get(technique)
    if contract is None:
        raise ValueError(f"unknown technique {technique!r}; known: {sorted(CONTRACTS)}")
    return contract.dtypes


def empty_results(technique: str = LIQUID_CHROMATOGRAPHY) -> pd.DataFrame:
    """A results frame with the technique's contract columns and no rows."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in _contract_dtypes(technique).items()}
    )


def results_frame(
    rows: Sequence[Mapping[str, Any]],
    *,
    extra: Sequence[str] = (),
    technique: str = LIQUID_CHROMATOGRAPHY,
) -> pd.DataFrame:
    """Build a results frame of ``technique`` from row dicts (missing keys become nulls).

    ``extra`` names further columns to keep, in that order, after the contract's; they are
    stored as strings unless every value is a number.
    """
    if not rows:
        frame = empty_results(technique)
        for col in extra:
            frame[col] = pd.Series([], dtype=STRING)
        return frame
    data: dict[str, pd.Series] = {}
    for col, dtype in _contract_dtypes(technique).items():
        data[col] = pd.Series([row.get(col) for row in rows], dtype=dtype)
    for col in extra:
        values = [row.get(col) for row in rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        data[col] = pd.Series(values, dtype=FLOAT if numeric else STRING)
    return pd.DataFrame(data)


class ResultColumns:
    """Accumulates result rows into typed columns: the technique's contract columns first, then ``extra``."""

    def __init__(self, extra: Mapping[str, pd.ArrowDtype], *, technique: str = LIQUID_CHROMATOGRAPHY) -> None:
        contract = _contract_dtypes(technique)
        clash = set(extra) & set(contract)
        if clash:
            raise ValueError(f"extra columns {sorted(clash)} repeat normalized ones")
        self._dtypes: dict[str, pd.ArrowDtype] = {**contract, **extra}
        self._columns: dict[str, list[Any]] = {name: [] for name in self._dtypes}
        self._rows = 0

    def append(self, values: Mapping[str, Any]) -> None:
        """Add one row; columns not in ``values`` get a null. Unknown names are a programming error."""
        unknown = set(values) - set(self._dtypes)
        if unknown:
            raise KeyError(f"unknown result columns {sorted(unknown)}")
        for name, column in self._columns.items():
            column.append(values.get(name))
        self._rows += 1

    def __len__(self) -> int:
        return self._rows

    def frame(self) -> pd.DataFrame:
        """The accumulated rows as a DataFrame with pyarrow-backed dtypes."""
        # Arrays wrapped as they are: several times faster than a Series per column, and than a pyarrow
        # table's to_pandas, whose fixed cost is most of a small file's parse.
        return frame_of_arrow_columns(
            {name: _arrow(self._columns[name], dtype.pyarrow_dtype) for name, dtype in self._dtypes.items()}
        )


def _arrow(values: list[Any], type_: pa.DataType) -> pa.Array:
    # A column nothing filled is common in small files (a format's optional fields) and costs a fraction
    # of converting its Nones.
    if values.count(None) == len(values):
        return pa.nulls(len(values), type_)
    return pa.array(values, type=type_)
