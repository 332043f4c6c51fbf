"""pandas frames built straight from the arrays they hold, and those arrays read back.

A small export's parse is mostly fixed costs, and pandas' own constructor and column access are among
the largest: ``pd.DataFrame`` of a dict checks and converts every column (about 0.3 ms for a dozen), and
``frame[name]`` builds a Series each time (tens of microseconds). Where pandas offers the block-level
constructor (``pandas.api.internals.create_dataframe_from_blocks``, pandas 3), frames are built with it:
the same frame (one extension block per pyarrow column, and a RangeIndex) without
the checks, whose answers are known here. With older pandas the ordinary constructor is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

BlockBuilder = Callable[[list[tuple[Any, np.ndarray[Any, Any]]], pd.Index, pd.Index], pd.DataFrame]


def _block_builder() -> BlockBuilder | None:
    try:
        internals = importlib.import_module("pandas.api.internals")
    except ImportError:
        return None
    builder: BlockBuilder | None = getattr(internals, "create_dataframe_from_blocks", None)
    return builder


_FROM_BLOCKS = _block_builder()


@lru_cache(maxsize=256)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    # An Index is immutable, so frames may share one; making it costs more than the rest of a small frame.
    return pd.Index(list(names))


def frame_of_arrow_columns(columns: Mapping[str, pa.Array | pa.ChunkedArray]) -> pd.DataFrame:
    """A frame of pyarrow-backed columns, in the order of ``columns`` (all of one length), as
    ``pd.DataFrame({name: pd.arrays.ArrowExtensionArray(values)})`` builds it."""
    arrays = [pd.arrays.ArrowExtensionArray(values) for values in columns.values()]
    if _FROM_BLOCKS is None or not arrays:
        return pd.DataFrame(dict(zip(columns, arrays, strict=True)))
    blocks = [(array, np.array([position])) for position, array in enumerate(arrays)]
    return _FROM_BLOCKS(blocks, pd.RangeIndex(len(arrays[0])), _column_index(tuple(columns)))


def arrow_columns(frame: pd.DataFrame, positions: Sequence[int]) -> list[pa.Array | pa.ChunkedArray]:
    """The pyarrow data of the pyarrow-backed columns at ``positions`` (0-based) of ``frame``."""
    # The frame's own arrays, without a Series made per column (the private accessor has been in pandas
    # since 1.3; without it, the public column access).
    get_array: Callable[[int], Any] | None = getattr(frame, "_get_column_array", None)
    if get_array is None:
        return [pa.array(frame.iloc[:, position]) for position in positions]
    return [pa.array(get_array(position)) for position in positions]
