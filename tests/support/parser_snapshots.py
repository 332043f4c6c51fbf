"""A ParsedFile as JSON-able data for golden files; traces summarised so goldens stay small.

Each format's goldens were recorded with a slightly different summary (trace ends and rounding,
attachments, a signal maximum, results as rows or as a count); the keyword options reproduce each one
exactly, so the goldens never change with this helper.
"""

from __future__ import annotations

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
