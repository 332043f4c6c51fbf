"""Building results frames in the shape the parser contract requires (normalized columns first).

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

from ingest.contract import FLOAT, RESULT_COLUMNS, STRING


def empty_results() -> pd.DataFrame:
    """A results frame with the normalized columns and no rows."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in RESULT_COLUMNS.items()})


def results_frame(rows: Sequence[Mapping[str, Any]], *, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Build a normalized results frame from row dicts (missing keys become nulls).

    ``extra`` names further columns to keep, in that order, after the normalized ones; they are
    stored as strings unless every value is a number.
    """
    if not rows:
        frame = empty_results()
        for col in extra:
            frame[col] = pd.Series([], dtype=STRING)
        return frame
    data: dict[str, pd.Series] = {}
    for col, dtype in RESULT_COLUMNS.items():
        data[col] = pd.Series([row.get(col) for row in rows], dtype=dtype)
    for col in extra:
        values = [row.get(col) for row in rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        data[col] = pd.Series(values, dtype=FLOAT if numeric else STRING)
    return pd.DataFrame(data)


class ResultColumns:
    """Accumulates result rows into typed columns: the normalized ones first, then ``extra``."""

    def __init__(self, extra: Mapping[str, pd.ArrowDtype]) -> None:
        clash = set(extra) & set(RESULT_COLUMNS)
        if clash:
            raise ValueError(f"extra columns {sorted(clash)} repeat normalized ones")
        self._dtypes: dict[str, pd.ArrowDtype] = {**RESULT_COLUMNS, **extra}
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
        return pd.DataFrame(
            {
                name: pd.arrays.ArrowExtensionArray(pa.array(self._columns[name], type=dtype.pyarrow_dtype))
                for name, dtype in self._dtypes.items()
            }
        )
