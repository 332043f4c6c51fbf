"""pandas frames built straight from the arrays they hold, and those arrays read back.

A small export's parse is mostly fixed costs, and pandas' own constructor and column access are among
the largest: ``pd.DataFrame`` of a dict checks and converts every column (about 0.3 ms for a dozen), and
``frame[name]`` builds a Series each time (tens of microseconds). Where pandas offers the block-level
constructor (``pandas.api.internals.create_dataframe_from_blocks``, pandas 3), frames are built with it:
the same frame (one extension block per pyarrow column, and a RangeIndex) without
the checks, whose answers are known here. Where pandas' block classes are importable as this module knows
them, the blocks and their manager are made directly, which skips that constructor's per-block dispatch and
its integrity check (a few microseconds per column: most of a one-row frame of forty columns). With older
pandas the ordinary constructor is used.
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


def _direct_builder() -> Callable[[list[Any], pd.Index, pd.Index], pd.DataFrame] | None:
    """What ``create_dataframe_from_blocks`` does for 1-D extension arrays, without its dispatch and check
    (see the module docstring); None when pandas' internals are not the ones this was written against."""
    try:
        internals = importlib.import_module("pandas._libs.internals")
        blocks = importlib.import_module("pandas.core.internals.blocks")
        managers = importlib.import_module("pandas.core.internals.managers")
    except ImportError:
        return None
    placement = getattr(internals, "BlockPlacement", None)
    extension_block = getattr(blocks, "ExtensionBlock", None)
    from_blocks = getattr(getattr(managers, "BlockManager", None), "from_blocks", None)
    from_mgr = getattr(pd.DataFrame, "_from_mgr", None)
    if placement is None or extension_block is None or from_blocks is None or from_mgr is None:
        return None

    def build(arrays: list[Any], index: pd.Index, columns: pd.Index) -> pd.DataFrame:
        made = [
            extension_block(array, placement(slice(position, position + 1)), ndim=2)
            for position, array in enumerate(arrays)
        ]
        manager = from_blocks(made, [columns, index])
        frame: pd.DataFrame = from_mgr(manager, manager.axes)
        return frame

    return build


_DIRECT = _direct_builder() if _FROM_BLOCKS is not None else None


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
    if _DIRECT is not None:
        return _DIRECT(arrays, pd.RangeIndex(len(arrays[0])), _column_index(tuple(columns)))
    blocks = [(array, np.array([position])) for position, array in enumerate(arrays)]
    return _FROM_BLOCKS(blocks, pd.RangeIndex(len(arrays[0])), _column_index(tuple(columns)))


def arrow_columns(frame: pd.DataFrame, positions: Sequence[int]) -> list[pa.Array | pa.ChunkedArray]:
    """The pyarrow data of the pyarrow-backed columns at ``positions`` (0-based) of ``frame``."""
    # The frame's own arrays, without a Series made per column (the private accessor has been in pandas
    # since 1.3; without it, the public column access).
    get_array: Callable[[int], Any] | None = getattr(frame, "_get_column_array", None)
    if get_array is None:
        return [pa.array(frame.iloc[:, position]) for position in positions]
    arrays = [get_array(position) for position in positions]
    # An ArrowExtensionArray holds its chunked array as ``_pa_array``; ``pa.array`` gets it the long way.
    return [getattr(array, "_pa_array", None) or pa.array(array) for array in arrays]


def column_dtypes(frame: pd.DataFrame) -> list[Any]:
    """The dtypes of ``frame``'s columns, in order: ``frame.dtypes.tolist()`` without the Series it builds
    (from the frame's block manager where pandas has the accessor, as it has since 1.x)."""
    manager = getattr(frame, "_mgr", None)
    get_dtypes: Callable[[], Any] | None = getattr(manager, "get_dtypes", None)
    if get_dtypes is None:
        return list(frame.dtypes.tolist())
    return list(get_dtypes())
