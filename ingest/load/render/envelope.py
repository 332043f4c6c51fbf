"""A trace reduced to the pixels it is drawn on: per pixel column, its lowest and highest signal.

Drawn as a line through each column's low and high, the reduced trace covers exactly the pixels the
full trace would, so a peak one sample wide keeps its height. The trace is read in chunks of
``CHUNK_POINTS`` (two passes: its x range, then the columns), so the memory this takes beyond the trace
itself is bounded by the chunk size, whatever the trace's length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

#: Points converted and binned at a time (two float64 chunks of 8 MiB each, plus their bins).
CHUNK_POINTS = 1 << 20


@dataclass(frozen=True)
class Envelope:
    """Per non-empty pixel column: its centre on the x axis, its lowest and its highest signal."""

    x: FloatArray
    low: FloatArray
    high: FloatArray

    def __len__(self) -> int:
        return len(self.x)

    def polyline(self) -> tuple[FloatArray, FloatArray]:
        """The points of a line through every column's low and high, each column entered at the end
        nearer the previous one (so the joins stay short, as the full trace's would)."""
        n = len(self.x)
        xs = np.repeat(self.x, 2)
        ys = np.empty(2 * n, dtype=np.float64)
        previous = self.low[0] if n else 0.0
        for i in range(n):
            low, high = self.low[i], self.high[i]
            if abs(high - previous) < abs(low - previous):
                ys[2 * i], ys[2 * i + 1] = high, low
                previous = low
            else:
                ys[2 * i], ys[2 * i + 1] = low, high
                previous = high
        return xs, ys

    def height_at(self, x: FloatArray) -> FloatArray:
        """The highest signal of the non-empty column nearest to each ``x``: where a peak marker sits (a
        peak's apex, even when it is one sample wide)."""
        if not len(self.x):
            return np.zeros(len(x))
        right = np.clip(np.searchsorted(self.x, x), 0, len(self.x) - 1)
        left = np.maximum(right - 1, 0)
        nearer = np.where(np.abs(self.x[left] - x) <= np.abs(self.x[right] - x), left, right)
        return self.high[nearer]


def float_chunks(series: pd.Series, chunk: int = CHUNK_POINTS) -> Iterator[FloatArray]:
    """``series`` as float64 arrays of at most ``chunk`` values (views when it already is float64;
    text and missing values become NaN)."""
    plain = series.dtype == np.float64
    values = series.to_numpy() if plain else None
    for start in range(0, len(series), chunk):
        if values is not None:
            yield values[start : start + chunk]
            continue
        part = series.iloc[start : start + chunk]
        if not pd.api.types.is_numeric_dtype(part.dtype):
            part = pd.to_numeric(part, errors="coerce")
        yield part.to_numpy(dtype=np.float64, na_value=np.nan)


def _finite_pairs(time: pd.Series, signal: pd.Series, chunk: int) -> Iterator[tuple[FloatArray, FloatArray]]:
    for x, y in zip(float_chunks(time, chunk), float_chunks(signal, chunk), strict=True):
        keep = np.isfinite(x) & np.isfinite(y)
        yield (x, y) if keep.all() else (x[keep], y[keep])


def column_envelope(
    time: pd.Series, signal: pd.Series, columns: int, *, chunk: int = CHUNK_POINTS
) -> Envelope:
    """``signal`` over ``time`` reduced to ``columns`` equal-width columns spanning its x range (pairs
    with a missing or non-numeric value are left out)."""
    if columns < 1:
        raise ValueError(f"columns must be at least 1; got {columns!r}.")
    x_min, x_max = np.inf, -np.inf
    for x, _ in _finite_pairs(time, signal, chunk):
        if len(x):
            x_min, x_max = min(x_min, float(x.min())), max(x_max, float(x.max()))
    if x_min > x_max:
        empty = np.empty(0, dtype=np.float64)
        return Envelope(empty, empty, empty)
    span = x_max - x_min
    if span == 0:
        columns = 1
    scale = columns / span if span else 0.0
    low = np.full(columns, np.inf)
    high = np.full(columns, -np.inf)
    for x, y in _finite_pairs(time, signal, chunk):
        if len(x):
            _bin_chunk(x, y, x_min, scale, low, high)
    filled = np.isfinite(low)
    centres = x_min + (np.arange(columns, dtype=np.float64) + 0.5) / scale if span else np.array([x_min])
    return Envelope(centres[filled], low[filled], high[filled])


def _bin_chunk(
    x: FloatArray, y: FloatArray, x_min: float, scale: float, low: FloatArray, high: FloatArray
) -> None:
    column = ((x - x_min) * scale).astype(np.intp)
    np.clip(column, 0, len(low) - 1, out=column)
    steps = np.diff(column)
    if (steps >= 0).all():
        # Traces are recorded in time order: each column is a run of neighbours, reduced in one pass.
        starts = np.concatenate(([0], np.flatnonzero(steps) + 1))
        at = column[starts]
        low[at] = np.minimum(low[at], np.minimum.reduceat(y, starts))
        high[at] = np.maximum(high[at], np.maximum.reduceat(y, starts))
    else:
        np.minimum.at(low, column, y)
        np.maximum.at(high, column, y)
