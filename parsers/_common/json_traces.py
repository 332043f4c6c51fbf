"""Chromatograms embedded in JSON exports (parallel time and signal arrays) -> ``ingest.models.Trace``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.errors import ParseError
from ingest.models import Trace
from parsers._common.json_fields import Fields


def _block_builder() -> Callable[..., pd.DataFrame] | None:
    try:
        internals = importlib.import_module("pandas.api.internals")
    except ImportError:
        return None
    builder: Callable[..., pd.DataFrame] | None = getattr(internals, "create_dataframe_from_blocks", None)
    return builder


_FROM_BLOCKS = _block_builder()


def _direct_trace_builder() -> Callable[[np.ndarray[Any, Any]], pd.DataFrame] | None:
    """A trace's frame from its (2, n) float block, made as pandas' block-level constructor makes it but
    without its dispatch and checks (a third of its cost); None unless this pandas' internals are the
    ones this was written against and give that constructor's frame."""
    if _FROM_BLOCKS is None:
        return None
    try:
        internals = importlib.import_module("pandas._libs.internals")
        blocks = importlib.import_module("pandas.core.internals.blocks")
        managers = importlib.import_module("pandas.core.internals.managers")
    except ImportError:
        return None
    placement: Any = getattr(internals, "BlockPlacement", None)
    numpy_block: Any = getattr(blocks, "NumpyBlock", None)
    from_blocks: Any = getattr(getattr(managers, "BlockManager", None), "from_blocks", None)
    from_mgr: Any = getattr(pd.DataFrame, "_from_mgr", None)
    range_index: Any = getattr(pd.RangeIndex, "_simple_new", None)
    if None in (placement, numpy_block, from_blocks, from_mgr, range_index):
        return None
    both = placement(slice(0, 2))  # a value pandas replaces and never changes: shared by every trace

    def build(block: np.ndarray[Any, Any]) -> pd.DataFrame:
        manager = from_blocks(
            [numpy_block(block, both, ndim=2)], [_TRACE_COLUMNS, range_index(range(block.shape[1]))]
        )
        frame: pd.DataFrame = from_mgr(manager, manager.axes)
        return frame

    sample = np.array([[0.0, 0.5, 1.0], [1.5, np.nan, -2.0]])
    try:
        made, expected = (
            build(sample),
            _FROM_BLOCKS([(sample, np.arange(2))], pd.RangeIndex(3), _TRACE_COLUMNS),
        )
    except (TypeError, ValueError, AttributeError):
        return None
    same = made.equals(expected) and made.index.equals(expected.index) and type(made.index) is pd.RangeIndex
    return build if same and made.dtypes.tolist() == expected.dtypes.tolist() else None


def _points_frame(block: np.ndarray[Any, Any]) -> pd.DataFrame:
    """``pd.DataFrame(block.T, columns=_TRACE_COLUMNS)`` as one float block (``block``: times, then
    signal), without the constructor's checks where pandas offers the block-level constructor (pandas 3)."""
    if _DIRECT_TRACE is not None:
        return _DIRECT_TRACE(block)
    if _FROM_BLOCKS is None:
        return pd.DataFrame(block.T, columns=_TRACE_COLUMNS)
    frame: pd.DataFrame = _FROM_BLOCKS([(block, np.arange(2))], pd.RangeIndex(block.shape[1]), _TRACE_COLUMNS)
    return frame


#: Up to this many points, a trace's values are converted by numpy (see ``_floats``).
_FEW_POINTS = 256
#: Integers pyarrow converts beside floats: those a double holds exactly.
_EXACT_MIN, _EXACT_MAX = -(2**53), 2**53

#: One Index for every trace's columns: immutable, so shared, and making it costs more than a small trace.
_TRACE_COLUMNS = pd.Index(["time_min", "signal"])
_DIRECT_TRACE = _direct_trace_builder()


def trace_from_json_arrays(
    owner: Fields,
    *,
    channel: str,
    times_min: Sequence[Any] | None,
    signal: Sequence[Any] | None,
    signal_unit: str | None,
    field: str,
) -> Trace | None:
    """One trace from parallel time (minutes) and signal arrays; None when the export holds no points.

    Nulls become NaN; text, booleans or arrays of different lengths are a ParseError naming the object.
    """
    if not times_min and not signal:
        return None
    times_min = times_min or []
    signal = signal or []
    if len(times_min) != len(signal):
        raise ParseError(
            f"Chromatogram '{field}' at {owner.where} in '{owner.file}' has {len(times_min)} time values and "
            f"{len(signal)} signal values. Expected the same number of each.",
            file=owner.file,
            column=field,
            json_path=owner.where,
        )
    block = _few_points_block(times_min, signal)
    if block is None:
        block = np.vstack(
            (
                _floats(owner, times_min, field=f"{field} (time)"),
                _floats(owner, signal, field=f"{field} (signal)"),
            )
        )
    # One 2-D block: far cheaper than a frame built from two columns when a file holds many traces.
    return Trace(channel=channel, data=_points_frame(block), signal_unit=signal_unit)


def _few_points_block(times_min: Sequence[Any], signal: Sequence[Any]) -> np.ndarray[Any, Any] | None:
    """Both short lists converted at once, as :func:`_floats` converts each (see there); None when either
    is long or holds a value it converts otherwise or refuses."""
    if len(times_min) > _FEW_POINTS or not (_plain_numbers(times_min) and _plain_numbers(signal)):
        return None
    return np.array((times_min, signal), dtype=np.float64)


def _plain_numbers(values: Sequence[Any]) -> bool:
    return all(
        value is None or type(value) is float or (type(value) is int and _EXACT_MIN <= value <= _EXACT_MAX)
        for value in values
    )


def _floats(owner: Fields, values: Sequence[Any], *, field: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The values as doubles (null as NaN), each the nearest double to its JSON number, as a number field
    is read (``float()``); a ParseError names the first value that is no number or beyond a double."""
    if len(values) <= _FEW_POINTS and _plain_numbers(values):
        # What pyarrow gives for such values (None as NaN), without its fixed cost: a short list is read
        # faster by numpy, element by element.
        return np.array(values, dtype=np.float64)
    # pyarrow converts and type-checks a long list in C.
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        array = None
    if array is not None and pa.types.is_integer(array.type):
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
    # pyarrow reads a boolean after a float as 0 or 1 (and refuses one before it): booleans are refused
    # wherever they stand (a set of the types, built in C, costs less than the conversion).
    if array is not None and pa.types.is_floating(array.type) and bool not in set(map(type, values)):
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
    if array is not None and pa.types.is_null(array.type):
        return np.full(len(values), np.nan)
    # pyarrow refuses integers a double does not hold exactly beside floats, and integers beyond 64 bits;
    # JSON numbers are numbers, so those are read one by one, as every other number of the export is.
    return _floats_one_by_one(owner, values, field=field)


def _floats_one_by_one(
    owner: Fields, values: Sequence[Any], *, field: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    floats = np.empty(len(values), dtype=np.float64)
    for index, value in enumerate(values):
        if value is None:
            floats[index] = np.nan
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(
                f"Chromatogram {field} at {owner.where} in '{owner.file}' holds {value!r} at position "
                f"{index}. Expected numbers only.",
                file=owner.file,
                column=field,
                json_path=owner.where,
            )
        try:
            floats[index] = float(value)
        except OverflowError:
            raise ParseError(
                f"Chromatogram {field} at {owner.where} in '{owner.file}' holds an integer of "
                f"{len(str(abs(value)))} digits at position {index}, beyond the range of a double. "
                "Expected numbers up to about 1.8e308.",
                file=owner.file,
                column=field,
                json_path=owner.where,
            ) from None
    return floats
