"""Reading the chromatogram trace file an LC results CSV names: two columns, time (min) and signal.

The header row is ``time_min,signal``; the signal header may carry its unit (``signal [mAU]``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.errors import ParseError
from ingest.models import Trace
from parsers._common.number_columns import column_format
from parsers.lc_results_csv.columns import normalize_header
from parsers.lc_results_csv.constants import TRACE_TIME_HEADERS
from parsers.lc_results_csv.reader import numeric_column, read_raw_table

_UNIT = re.compile(r"[\[(]([^\])]+)[\])]\s*$")
_TIME_HEADERS = {normalize_header(h) for h in TRACE_TIME_HEADERS}


def read_trace(path: Path, *, channel: str) -> Trace:
    """The trace in ``path``; ParseError naming the trace file when it is not a two-column time/signal CSV."""
    table = read_raw_table(path)
    headers = [h for h in table.headers if h]
    if len(headers) != 2 or normalize_header(headers[0]) not in _TIME_HEADERS:
        raise ParseError(
            f"Chromatogram file '{path.name}' has the header {list(table.headers)}. "
            "Expected two columns: 'time_min' and 'signal' (optionally with a unit, 'signal [mAU]').",
            file=path,
        )
    file_format = column_format([table.raw(0), table.raw(1)])
    time = numeric_column(
        table, 0, headers[0], column_format([table.raw(0)], fallback=file_format)
    ).to_numpy()
    signal = numeric_column(
        table, 1, headers[1], column_format([table.raw(1)], fallback=file_format)
    ).to_numpy()
    keep = ~(np.isnan(time) | np.isnan(signal))
    unit = _UNIT.search(headers[1])
    data = pd.DataFrame(
        {"time_min": time[keep].astype(np.float64), "signal": signal[keep].astype(np.float64)}
    )
    return Trace(channel=channel, data=data, signal_unit=unit.group(1).strip() if unit else None)
