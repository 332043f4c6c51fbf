"""The chromatogram renderer as it was before issue #14 (tight_layout, savefig at the default zlib level,
whole-trace float copies, 4000-point index decimation), kept only as the benchmark's baseline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ingest.models import Trace

#: Output size in pixels (width, height) and resolution.
WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
#: Traces longer than this are decimated before plotting.
MAX_POINTS = 4000
#: At most this many peaks get a text label (the largest by area, else the first ones).
MAX_LABELS = 30


def decimate(
    time: npt.NDArray[np.float64], signal: npt.NDArray[np.float64], max_points: int = MAX_POINTS
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """At most ``max_points`` points keeping each bucket's minimum and maximum, in time order."""
    n = len(time)
    if n <= max_points:
        return time, signal
    buckets = max_points // 2
    size = -(-n // buckets)
    full = (n // size) * size
    blocks = signal[:full].reshape(-1, size)
    starts = np.arange(0, full, size)
    low = starts + blocks.argmin(axis=1)
    high = starts + blocks.argmax(axis=1)
    picks = [np.sort(np.stack([low, high], axis=1), axis=1).ravel()]
    if full < n:
        tail = signal[full:]
        picks.append(np.sort(np.array([full + tail.argmin(), full + tail.argmax()])))
    index = np.unique(np.concatenate(picks))
    return time[index], signal[index]


def _arrays(trace: Trace) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    time = pd.to_numeric(trace.data["time_min"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    signal = pd.to_numeric(trace.data["signal"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    keep = np.isfinite(time) & np.isfinite(signal)
    return time[keep], signal[keep]


def _peak_table(peaks: pd.DataFrame | None) -> pd.DataFrame:
    if peaks is None or "retention_time_min" not in peaks.columns or peaks.empty:
        return pd.DataFrame({"rt": [], "label": [], "size": []})
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


def x_axis_label(traces: Sequence[Trace]) -> str:
    """ "Time (min)", or for curves recorded against the pumped volume (ÄKTA) "Volume (ml)": never
    relabelled as time."""
    x_units = {t.x_unit for t in traces} or {"min"}
    return "Time (min)" if x_units == {"min"} else f"Volume ({', '.join(sorted(x_units))})"


def render_chromatogram_png(traces: Sequence[Trace], peaks: pd.DataFrame | None, *, title: str) -> bytes:
    """A PNG (``WIDTH_PX`` x ``HEIGHT_PX``) of ``traces`` with ``peaks`` marked at their retention times.

    ``peaks`` is a results frame (``retention_time_min``, optional ``peak_name`` and ``area``); markers
    sit on the first trace's signal. Same input, same bytes.
    """
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel(x_axis_label(traces))
    units = {t.signal_unit for t in traces if t.signal_unit}
    axes.set_ylabel(f"Signal ({units.pop()})" if len(units) == 1 else "Signal")
    first: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None
    for trace in traces:
        time, signal = decimate(*_arrays(trace))
        if first is None and len(time):
            first = (time, signal)
        axes.plot(time, signal, linewidth=0.8, label=trace.channel)
    if len(traces) > 1:
        axes.legend(loc="upper right", fontsize="small")
    if not traces:
        axes.text(0.5, 0.5, "no trace", transform=axes.transAxes, ha="center", va="center", color="grey")
    table = _peak_table(peaks)
    if len(table):
        rt = table["rt"].to_numpy(dtype=np.float64)
        if first is not None:
            order = np.argsort(first[0])
            y = np.interp(rt, first[0][order], first[1][order])
        else:
            y = np.zeros(len(rt))
        axes.scatter(rt, y, marker="v", s=16, color="crimson", zorder=3)
        ranked = table.assign(y=y).sort_values("size", ascending=False, na_position="last").head(MAX_LABELS)
        for label, x, y_value in zip(
            ranked["label"].tolist(), ranked["rt"].tolist(), ranked["y"].tolist(), strict=True
        ):
            axes.annotate(
                str(label),
                (x, y_value),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                rotation=90,
            )
    axes.margins(y=0.18)  # room above the tallest peak for its rotated label
    figure.tight_layout()
    buffer = io.BytesIO()
    # No "Software" key: it carries the matplotlib version and would make bytes differ between installs.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
