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


def _points_frame(points: np.ndarray[Any, Any]) -> pd.DataFrame:
    """``pd.DataFrame(points, columns=_TRACE_COLUMNS)`` as one float block, without the constructor's
    checks where pandas offers the block-level constructor (pandas 3)."""
    if _FROM_BLOCKS is None:
        return pd.DataFrame(points, columns=_TRACE_COLUMNS)
    frame: pd.DataFrame = _FROM_BLOCKS([(points.T, np.arange(2))], pd.RangeIndex(len(points)), _TRACE_COLUMNS)
    return frame


#: Up to this many points, a trace's values are converted by numpy (see ``_floats``).
_FEW_POINTS = 256
#: Integers pyarrow converts beside floats: those a double holds exactly.
_EXACT_MIN, _EXACT_MAX = -(2**53), 2**53

#: One Index for every trace's columns: immutable, so shared, and making it costs more than a small trace.
_TRACE_COLUMNS = pd.Index(["time_min", "signal"])


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
    points = np.column_stack(
        (
            _floats(owner, times_min, field=f"{field} (time)"),
            _floats(owner, signal, field=f"{field} (signal)"),
        )
    )
    # One 2-D block: far cheaper than a frame built from two columns when a file holds many traces.
    return Trace(channel=channel, data=_points_frame(points), signal_unit=signal_unit)


def _floats(owner: Fields, values: Sequence[Any], *, field: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    if len(values) <= _FEW_POINTS and all(
        value is None or type(value) is float or (type(value) is int and _EXACT_MIN <= value <= _EXACT_MAX)
        for value in values
    ):
        # What pyarrow gives for such values (None as NaN), without its fixed cost: a short list is read
        # faster by numpy, element by element.
        return np.array(values, dtype=np.float64)
    # pyarrow converts and type-checks a long list in C; the per-value scan runs only to name a bad value.
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        array = None
    if array is not None and (pa.types.is_floating(array.type) or pa.types.is_integer(array.type)):
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
    if array is not None and pa.types.is_null(array.type):
        return np.full(len(values), np.nan)
    index, value = next(
        (i, v)
        for i, v in enumerate(values)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)))
    )
    raise ParseError(
        f"Chromatogram {field} at {owner.where} in '{owner.file}' holds {value!r} at position {index}. "
        "Expected numbers only.",
        file=owner.file,
        column=field,
        json_path=owner.where,
    )
