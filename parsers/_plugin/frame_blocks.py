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
import weakref
from collections.abc import Callable, Mapping, Sequence
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


#: Block placements made once, for the columns of frames up to this wide.
_SHARED_PLACEMENTS = 128


def _internals() -> tuple[Any, Any, Any, Any] | None:
    """pandas' block placement and extension block classes, the manager's ``from_blocks`` and the frame's
    ``_from_mgr``; None when pandas' internals are not the ones this module was written against."""
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
    return placement, extension_block, from_blocks, from_mgr


def _direct_builder() -> Callable[[list[Any], pd.Index, pd.Index], pd.DataFrame] | None:
    """What ``create_dataframe_from_blocks`` does for 1-D extension arrays, without its dispatch and check
    (see the module docstring); None when pandas' internals are not the ones this was written against."""
    found = _internals()
    if found is None:
        return None
    placement, extension_block, from_blocks, from_mgr = found

    # A block's placement is a value pandas replaces, never changes, and shares between blocks itself:
    # one per position serves every frame.
    placements = [placement(slice(position, position + 1)) for position in range(_SHARED_PLACEMENTS)]

    def build(arrays: list[Any], index: pd.Index, columns: pd.Index) -> pd.DataFrame:
        if len(arrays) <= _SHARED_PLACEMENTS:
            made = [extension_block(array, placements[position], 2) for position, array in enumerate(arrays)]
        else:
            made = [
                extension_block(array, placement(slice(position, position + 1)), 2)
                for position, array in enumerate(arrays)
            ]
        manager = from_blocks(made, [columns, index])
        frame: pd.DataFrame = from_mgr(manager, manager.axes)
        return frame

    return build


_DIRECT = _direct_builder() if _FROM_BLOCKS is not None else None


def _quick_extension_array() -> Callable[[pa.ChunkedArray, pd.ArrowDtype], Any] | None:
    """``pd.arrays.ArrowExtensionArray(values)`` given the dtype it would make, without its checks and its
    new ``ArrowDtype`` (a few microseconds per column: a tenth of a one-row frame of forty columns); None
    unless the constructor sets exactly the attributes this sets (the pandas it was written against)."""
    cls = pd.arrays.ArrowExtensionArray
    try:
        made = vars(cls(pa.chunked_array([pa.array([1.5])])))
    except TypeError:  # no instance dict: not the class this knows
        return None
    if set(made) != {"_pa_array", "_dtype", "_cache"}:
        return None
    new = object.__new__

    def make(values: pa.ChunkedArray, dtype: pd.ArrowDtype) -> Any:
        array: Any = new(cls)
        array._pa_array = values
        array._dtype = dtype
        array._cache = {}
        return array

    return make


_QUICK_ARRAY = _quick_extension_array()


def extension_array(values: pa.ChunkedArray, dtype: pd.ArrowDtype) -> Any:
    """``pd.arrays.ArrowExtensionArray(values)``, whose dtype is ``dtype`` (``values``' type, given by
    the caller so that one dtype object serves every column of that type)."""
    if _QUICK_ARRAY is None:
        return pd.arrays.ArrowExtensionArray(values)
    return _QUICK_ARRAY(values, dtype)


def frame_of_extension_arrays(arrays: Sequence[Any], names: tuple[str, ...]) -> pd.DataFrame:
    """A frame of pyarrow-backed extension arrays (all of one length), named ``names`` in order."""
    if _FROM_BLOCKS is None or not arrays:
        return pd.DataFrame(dict(zip(names, arrays, strict=True)))
    if _DIRECT is not None:
        return _DIRECT(list(arrays), _range_index(len(arrays[0])), _column_index(names))
    blocks = [(array, np.array([position])) for position, array in enumerate(arrays)]
    return _FROM_BLOCKS(blocks, pd.RangeIndex(len(arrays[0])), _column_index(names))


def _direct_columns_builder() -> (
    Callable[[Sequence[pa.ChunkedArray], Sequence[pd.ArrowDtype], pd.Index, pd.Index], pd.DataFrame] | None
):
    """The direct builder's frame made straight from each column's chunked array and dtype: each
    extension array made in the loop that makes its block (what :func:`extension_array` and the direct
    builder do, in one pass: two calls fewer per column); None unless both shortcuts are available."""
    found = _internals()
    if found is None or _QUICK_ARRAY is None or _DIRECT is None:
        return None
    placement, extension_block, from_blocks, from_mgr = found
    placements = [placement(slice(position, position + 1)) for position in range(_SHARED_PLACEMENTS)]
    new = object.__new__
    cls = pd.arrays.ArrowExtensionArray

    def build(
        values: Sequence[pa.ChunkedArray], dtypes: Sequence[pd.ArrowDtype], index: pd.Index, columns: pd.Index
    ) -> pd.DataFrame:
        made: list[Any] = []
        for position, chunked in enumerate(values):
            array: Any = new(cls)  # as _quick_extension_array makes one (checked against the constructor)
            array._pa_array = chunked
            array._dtype = dtypes[position]
            array._cache = {}
            made.append(extension_block(array, placements[position], 2))
        manager = from_blocks(made, [columns, index])
        frame: pd.DataFrame = from_mgr(manager, manager.axes)
        return frame

    return build


_DIRECT_COLUMNS = _direct_columns_builder()


def frame_of_chunked_arrays(
    values: Sequence[pa.ChunkedArray], dtypes: tuple[pd.ArrowDtype, ...], names: tuple[str, ...]
) -> pd.DataFrame:
    """``frame_of_extension_arrays([extension_array(v, d) for v, d in zip(values, dtypes)], names)``: a
    frame of pyarrow-backed columns, each ``values[i]`` with the dtype object ``dtypes[i]`` (its type).

    The frame's names and dtypes are recorded with its blocks and columns (see :func:`built_layout`)."""
    if (
        _DIRECT_COLUMNS is None
        or _DIRECT is None
        or _QUICK_ARRAY is None
        or not values
        or len(values) > _SHARED_PLACEMENTS
    ):
        arrays = [extension_array(chunked, dtype) for chunked, dtype in zip(values, dtypes, strict=True)]
        return frame_of_extension_arrays(arrays, names)
    frame = _DIRECT_COLUMNS(values, dtypes, _range_index(len(values[0])), _column_index(names))
    _record_layout(frame, names, dtypes)
    return frame


#: Frames made here, by the id of their block manager: the manager (weakly: a frame is never kept alive
#: here, and its entry goes when it goes, so no id is another's while listed), its blocks and its columns
#: Index as made, and the names and dtypes they give.
_BUILT: dict[int, tuple[weakref.ref[Any], object, pd.Index, tuple[str, ...], tuple[Any, ...]]] = {}


def _record_layout(frame: pd.DataFrame, names: tuple[str, ...], dtypes: tuple[Any, ...]) -> None:
    manager = getattr(frame, "_mgr", None)
    blocks = getattr(manager, "blocks", None)
    if manager is None or blocks is None:
        return
    key = id(manager)
    _BUILT[key] = (weakref.ref(manager, lambda ref: _forget(key, ref)), blocks, frame.columns, names, dtypes)


def _forget(key: int, ref: weakref.ref[Any]) -> None:
    """Drop a dead manager's entry (the entry's own: a later manager with the same id has its own ref)."""
    known = _BUILT.get(key)
    if known is not None and known[0] is ref:
        del _BUILT[key]


def built_layout(frame: pd.DataFrame) -> tuple[tuple[str, ...], tuple[Any, ...]] | None:
    """The column names and dtypes of a frame :func:`frame_of_chunked_arrays` made, when its blocks and
    columns are still the ones it was made with; else None (it was never recorded, or was changed since).

    pandas replaces a frame's tuple of blocks whenever a column's dtype may change (``insert``, setting a
    column, ``astype`` in place) and its columns Index when a column is renamed; it writes values into a
    block in place only when their dtype equals the block's. So an unchanged tuple and Index mean
    unchanged names and dtypes (pandas' own dtype cache relies on the same)."""
    manager = getattr(frame, "_mgr", None)
    known = _BUILT.get(id(manager))
    if known is None or known[0]() is not manager:
        return None
    _, blocks, columns, names, dtypes = known
    if getattr(manager, "blocks", None) is not blocks or frame.columns is not columns:
        return None
    return names, dtypes


def _quick_range_index() -> Callable[[range], pd.RangeIndex] | None:
    """``pd.RangeIndex`` from a range, without the constructor's argument checks; None unless it gives
    what the constructor gives."""
    simple_new: Callable[[range], pd.RangeIndex] | None = getattr(pd.RangeIndex, "_simple_new", None)
    if simple_new is None:
        return None
    try:
        made = simple_new(range(3))
    except TypeError:
        return None
    return simple_new if made.equals(pd.RangeIndex(3)) and type(made) is pd.RangeIndex else None


_QUICK_RANGE_INDEX = _quick_range_index()


def _range_index(length: int) -> pd.RangeIndex:
    """``pd.RangeIndex(length)`` (a new one: an Index's name can be set, so none is shared)."""
    if _QUICK_RANGE_INDEX is None:
        return pd.RangeIndex(length)
    return _QUICK_RANGE_INDEX(range(length))


#: Column indexes made, by their names, and the names of each by its id (the Index kept alive with them,
#: so that no id is another's while it is here); both emptied together when full.
_INDEXES: dict[tuple[str, ...], pd.Index] = {}
_NAMES_OF_INDEX: dict[int, tuple[pd.Index, tuple[str, ...]]] = {}
_MAX_INDEXES = 256


def _column_index(names: tuple[str, ...]) -> pd.Index:
    # An Index is immutable, so frames may share one; making it costs more than the rest of a small frame.
    index = _INDEXES.get(names)
    if index is None:
        index = pd.Index(list(names))
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
            _NAMES_OF_INDEX.clear()
        _INDEXES[names] = index
        _NAMES_OF_INDEX[id(index)] = (index, names)
    return index


def column_index(names: tuple[str, ...]) -> pd.Index:
    """``pd.Index(list(names))``, one shared Index per tuple of names (an Index is immutable)."""
    return _column_index(names)


def column_names(frame: pd.DataFrame) -> list[str]:
    """``frame.columns.tolist()`` (a new list), without reading the Index when this module made it."""
    columns = frame.columns
    known = _NAMES_OF_INDEX.get(id(columns))
    if known is not None and known[0] is columns:
        return list(known[1])
    names: list[str] = columns.tolist()  # iterating an Index of text goes value by value
    return names


def frame_of_arrow_columns(columns: Mapping[str, pa.Array | pa.ChunkedArray]) -> pd.DataFrame:
    """A frame of pyarrow-backed columns, in the order of ``columns`` (all of one length), as
    ``pd.DataFrame({name: pd.arrays.ArrowExtensionArray(values)})`` builds it."""
    arrays = [extension_array(_chunked(values), arrow_dtype(values.type)) for values in columns.values()]
    return frame_of_extension_arrays(arrays, tuple(columns))


def _chunked(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


#: One ArrowDtype per pyarrow type, so that frames of one format share their dtype objects (see
#: :func:`parsers._plugin.contract.validate_parsed`, which recognises a layout by them); emptied when full.
_ARROW_DTYPES: dict[pa.DataType, pd.ArrowDtype] = {}


def arrow_dtype(type_: pa.DataType) -> pd.ArrowDtype:
    """``pd.ArrowDtype(type_)``, one object per type."""
    dtype = _ARROW_DTYPES.get(type_)
    if dtype is None:
        if len(_ARROW_DTYPES) >= 256:
            _ARROW_DTYPES.clear()
        dtype = _ARROW_DTYPES[type_] = pd.ArrowDtype(type_)
    return dtype


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
    blocks = getattr(manager, "blocks", None)
    blknos = getattr(manager, "blknos", None)
    if blocks is None or blknos is None:
        return list(frame.dtypes.tolist())
    # What the manager's get_dtypes() does, in lists: its object array costs more than the lookups.
    dtypes = [block.dtype for block in blocks]
    return [dtypes[number] for number in blknos.tolist()]
