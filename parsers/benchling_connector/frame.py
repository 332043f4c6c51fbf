"""Building a results frame column by column with a fixed schema per parser.

A connector file can hold hundreds of injections; values are appended straight into one list per
column (no row dicts), and every parser output has the same extra columns with the same dtypes
whatever a given file happens to fill, so mappings onto Benchling schemas stay stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from parsers.base import RESULT_COLUMNS


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
        # One pyarrow table converted at once is several times faster than a Series per column.
        table = pa.table(
            {
                name: pa.array(self._columns[name], type=dtype.pyarrow_dtype)
                for name, dtype in self._dtypes.items()
            }
        )
        frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
        return frame
