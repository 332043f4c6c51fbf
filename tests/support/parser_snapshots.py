"""A ParsedFile as JSON-able data for golden files.

:func:`snapshot` summarises traces so the goldens of large real exports stay small. Each format's goldens
were recorded with a slightly different summary (trace ends and rounding, attachments, a signal maximum,
results as rows or as a count); the keyword options reproduce each one exactly, so the goldens never
change with this helper. :func:`full_snapshot` keeps every trace point, for the small test data written
in this repository, so its expected outputs state the whole parse.
"""

from __future__ import annotations

import math
import os
from typing import Any, Literal

from ingest.models import ParsedFile, Trace


def trace_summary(
    trace: Trace, *, ends: int, decimals: int, sum_decimals: int, signal_max: bool
) -> dict[str, Any]:
    """Channel, unit, point count, the first and last ``ends`` points and the signal sum."""
    data = trace.data
    summary: dict[str, Any] = {
        "channel": trace.channel,
        "signal_unit": trace.signal_unit,
        "points": len(data),
        "first": data.head(ends).round(decimals).values.tolist(),
        "last": data.tail(ends).round(decimals).values.tolist(),
        "signal_sum": round(float(data["signal"].sum()), sum_decimals),
    }
    if signal_max:
        summary["signal_max"] = float(data["signal"].max()) if len(data) else None
    return summary


def snapshot(
    parsed: ParsedFile,
    *,
    ends: int = 3,
    decimals: int = 9,
    sum_decimals: int = 6,
    signal_max: bool = False,
    attachments: bool = False,
    results: Literal["records", "count"] = "records",
) -> dict[str, Any]:
    """The whole output: provenance, metadata, results (every row, or columns and a row count), traces,
    warnings and, with ``attachments``, the attachment file names."""
    frame = parsed.results
    provenance = parsed.provenance
    output: dict[str, Any] = {
        "provenance": {
            "parser": provenance.parser,
            "parser_version": provenance.parser_version,
            "encoding": provenance.encoding,
            "source": provenance.source.name,
        },
        "metadata": dict(parsed.metadata),
    }
    if results == "records":
        output["result_dtypes"] = {col: str(dtype) for col, dtype in frame.dtypes.items()}
        output["results"] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    else:
        output["result_columns"] = list(frame.columns)
        output["results"] = len(frame)
    output["traces"] = [
        trace_summary(trace, ends=ends, decimals=decimals, sum_decimals=sum_decimals, signal_max=signal_max)
        for trace in parsed.traces
    ]
    if attachments:
        output["attachments"] = [path.name for path in parsed.attachments]
    output["warnings"] = list(parsed.warnings)
    return output


def connector_snapshot(parsed: ParsedFile) -> dict[str, Any]:
    """The form of the Benchling connector goldens: two points at each trace end, to 12 decimals."""
    return snapshot(parsed, ends=2, decimals=12, sum_decimals=12)


def full_snapshot(parsed: ParsedFile) -> dict[str, Any]:
    """Everything a parse produced: provenance, metadata, every result with its dtype, every trace point
    (NaN as null, so a file's gaps compare equal), attachment names and warnings, and (for any technique
    but liquid chromatography, or when the parser states them) the technique and per-file column units.

    Warnings name files by the path the parser was given; the folder holding the input is written as
    ``<testdata>`` so the expected output does not depend on where the repository is checked out.
    """
    output = snapshot(parsed, attachments=True)
    folder = str(parsed.provenance.source.parent)
    output["warnings"] = [_portable(w, folder) for w in parsed.warnings]
    output["traces"] = [
        {
            "channel": trace.channel,
            "signal_unit": trace.signal_unit,
            "points": [
                [None if math.isnan(value) else value for value in point]
                for point in trace.data.astype(float).values.tolist()
            ],
        }
        for trace in parsed.traces
    ]
    # Only files of another technique (or with per-file units) state them, so LC goldens stay as recorded.
    if parsed.technique != "liquid_chromatography" or parsed.column_units:
        output["technique"] = parsed.technique
        output["column_units"] = dict(parsed.column_units)
    return output


def _portable(warning: str, folder: str) -> str:
    if folder not in warning:
        return warning
    head, *tails = warning.split(folder)
    # The rest of each path: the platform's separators written as '/', as on the machine that recorded it.
    return head + "".join("<testdata>" + tail.replace(os.sep, "/") for tail in tails)
