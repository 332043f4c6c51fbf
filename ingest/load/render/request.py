"""What a chromatogram image shows, reduced to a few kilobytes: made where the traces are, drawn
elsewhere (``ingest.load.render.drawing``), so a render process never receives a whole trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.load.render.envelope import Envelope, FloatArray, column_envelope
from ingest.load.render.layout import MAX_LABELS, PLOT_COLUMNS
from ingest.models import Trace


@dataclass(frozen=True)
class TraceLine:
    """One trace as drawn: a line through its pixel columns' lows and highs."""

    channel: str
    x: FloatArray
    y: FloatArray


@dataclass(frozen=True)
class PeakLabel:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class RenderRequest:
    """Everything the image shows: title, axis labels, the reduced traces, the peak markers and labels."""

    title: str
    x_label: str
    y_label: str
    lines: tuple[TraceLine, ...]
    marker_x: FloatArray
    marker_y: FloatArray
    labels: tuple[PeakLabel, ...]


def x_axis_label(traces: Sequence[Trace]) -> str:
    """ "Time (min)", or for curves recorded against the pumped volume (ÄKTA) "Volume (ml)": never
    relabelled as time."""
    x_units = {t.x_unit for t in traces} or {"min"}
    return "Time (min)" if x_units == {"min"} else f"Volume ({', '.join(sorted(x_units))})"


def y_axis_label(traces: Sequence[Trace]) -> str:
    units = {t.signal_unit for t in traces if t.signal_unit}
    return f"Signal ({units.pop()})" if len(units) == 1 else "Signal"


def prepare_render(
    traces: Sequence[Trace], peaks: pd.DataFrame | None, title: str, *, columns: int = PLOT_COLUMNS
) -> RenderRequest:
    """The request for ``traces`` with ``peaks`` (a results frame: ``retention_time_min``, optional
    ``peak_name`` and ``area``) marked on the first trace that has points."""
    envelopes = [column_envelope(t.data["time_min"], t.data["signal"], columns) for t in traces]
    lines = tuple(
        TraceLine(t.channel, *envelope.polyline()) for t, envelope in zip(traces, envelopes, strict=True)
    )
    first = next((e for e in envelopes if len(e)), None)
    table = _peak_table(peaks)
    rt = table["rt"].to_numpy(dtype=np.float64)
    height = first.height_at(rt) if first is not None else np.zeros(len(rt))
    ranked = table.assign(y=height).sort_values("size", ascending=False, na_position="last").head(MAX_LABELS)
    labels = tuple(
        PeakLabel(str(text), float(x), float(y))
        for text, x, y in zip(
            ranked["label"].tolist(), ranked["rt"].tolist(), ranked["y"].tolist(), strict=True
        )
    )
    return RenderRequest(
        title=title,
        x_label=x_axis_label(traces),
        y_label=y_axis_label(traces),
        lines=lines,
        marker_x=rt,
        marker_y=np.asarray(height, dtype=np.float64),
        labels=labels,
    )


def _peak_table(peaks: pd.DataFrame | None) -> pd.DataFrame:
    if peaks is None or "retention_time_min" not in peaks.columns or peaks.empty:
        return pd.DataFrame({"rt": np.empty(0, dtype=np.float64), "label": [], "size": np.empty(0)})
    rt = pd.to_numeric(peaks["retention_time_min"], errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    if "peak_name" in peaks.columns:
        names = peaks["peak_name"].astype(object).where(peaks["peak_name"].notna(), None).tolist()
    else:
        names = [None] * len(peaks)
    labels = [str(n) if n else f"{r:.2f}" for n, r in zip(names, rt, strict=True)]
    size = (
        pd.to_numeric(peaks["area"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if "area" in peaks.columns
        else np.zeros(len(peaks))
    )
    table = pd.DataFrame({"rt": rt, "label": labels, "size": size})
    finite: pd.DataFrame = table[np.isfinite(table["rt"])]
    return finite.drop_duplicates(subset=["rt", "label"])


__all__ = ["Envelope", "PeakLabel", "RenderRequest", "TraceLine", "prepare_render", "x_axis_label"]
