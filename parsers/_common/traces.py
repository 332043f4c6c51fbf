"""Building a ``Trace`` from time/signal points, in the frame shape ``validate_parsed`` checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ingest.models import Trace


def trace_from_points(
    channel: str,
    times_min: Sequence[float] | np.ndarray[Any, Any],
    signals: Sequence[float] | np.ndarray[Any, Any],
    *,
    signal_unit: str | None,
) -> Trace:
    """A trace whose data holds the float64 columns ``time_min`` and ``signal``, point by point."""
    data = pd.DataFrame(
        {"time_min": pd.Series(times_min, dtype="float64"), "signal": pd.Series(signals, dtype="float64")}
    )
    return Trace(channel=channel, data=data, signal_unit=signal_unit)
