"""The data range a chromatogram shows and its mapping to pixels of the plot area.

The x range is the traces' own (each reduced column centred on its pixel column); the y range runs
from a little below the lowest signal to far enough above the highest that the tallest peak's rotated
label fits. Values are clipped to +-1e300 first, so spans and pixel positions stay finite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ingest.load.render.envelope import FloatArray

#: Values beyond this magnitude are drawn as if at it (their span must stay below float64's maximum).
_LARGEST = 1e300
#: Room below the lowest signal, as a share of the plot's height.
_BOTTOM_ROOM = 0.04
#: At most this share of the plot's height is kept free above the traces for peak labels.
_MOST_LABEL_ROOM = 0.45


@dataclass(frozen=True)
class Frame:
    """``[x_lo, x_hi] x [y_lo, y_hi]`` shown on a plot area of ``width`` x ``height`` pixels."""

    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    width: int
    height: int

    def shows_x(self, x: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether each ``x`` is a finite value inside the x range (peaks outside it are not marked)."""
        return np.isfinite(x) & (x >= self.x_lo) & (x <= self.x_hi)

    def columns(self, x: FloatArray) -> npt.NDArray[np.int64]:
        """Pixel columns (0 = left edge of the plot area) of ``x``, clipped a little past its edges."""
        at = (np.clip(x, -_LARGEST, _LARGEST) - self.x_lo) * (self.width / (self.x_hi - self.x_lo))
        return np.floor(np.clip(at, -2.0, self.width + 2.0)).astype(np.int64)

    def rows(self, y: FloatArray) -> npt.NDArray[np.int64]:
        """Pixel rows (0 = top of the plot area) of ``y``, clipped a little past its edges."""
        at = (self.y_hi - np.clip(y, -_LARGEST, _LARGEST)) * (self.height / (self.y_hi - self.y_lo))
        return np.floor(np.clip(at, -2.0, self.height + 2.0)).astype(np.int64)


def finite_range(arrays: Sequence[FloatArray]) -> tuple[float, float] | None:
    """Lowest and highest finite value over ``arrays`` (clipped to +-1e300), or None when there is none."""
    lo, hi = np.inf, -np.inf
    for values in arrays:
        finite = values[np.isfinite(values)]
        if len(finite):
            lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    if lo > hi:
        return None
    return max(lo, -_LARGEST), min(hi, _LARGEST)


def widened(lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)``, or a range around ``lo`` when it is a single value (a flat trace)."""
    if hi > lo:
        return lo, hi
    half = abs(lo) * 0.05 or 1.0
    return lo - half, lo + half


def frame_for(
    x: Sequence[FloatArray],
    y: Sequence[FloatArray],
    width: int,
    height: int,
    label_room: Sequence[tuple[float, int]] = (),
) -> Frame:
    """The frame showing the finite points of ``x`` and ``y`` (0..1 on each axis when there are none).

    ``label_room`` is, per peak label, its signal and the pixels it needs above that signal: the top is
    raised until each fits (at most ``_MOST_LABEL_ROOM`` of the height).
    """
    x_lo, x_hi = widened(*(finite_range(x) or (0.0, 1.0)))
    # Each x is a reduced column's centre: half a column more on each side puts it mid-pixel.
    half_column = (x_hi - x_lo) / (2 * max(1, width - 1))
    lo, hi = widened(*(finite_range(y) or (0.0, 1.0)))
    bottom = _BOTTOM_ROOM * height
    top = bottom
    for _ in range(3):  # room depends on the scale, which depends on the room: settles in a pass or two
        per_pixel = (hi - lo) / (height - top - bottom)
        needed = [pixels - (hi - signal) / per_pixel for signal, pixels in label_room if np.isfinite(signal)]
        top = min(max([bottom, *needed]), _MOST_LABEL_ROOM * height)
    per_pixel = (hi - lo) / (height - top - bottom)
    return Frame(
        x_lo - half_column, x_hi + half_column, lo - bottom * per_pixel, hi + top * per_pixel, width, height
    )
