"""Rendering chromatogram traces (with peaks marked) to a PNG, for upload beside the results.

Two halves that may run in different processes: :func:`prepare_render` reduces each trace to the pixel
columns it is drawn on (in chunks, where the traces are), and :func:`draw_png` draws the reduced
request (``ingest.load.render.pool`` runs it in worker processes). Called here in one go, in-process.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ingest.load.render.drawing import draw_png
from ingest.load.render.layout import DPI, HEIGHT_PX, MAX_LABELS, WIDTH_PX
from ingest.load.render.request import prepare_render, x_axis_label
from ingest.models import Trace


def render_chromatogram_png(traces: Sequence[Trace], peaks: pd.DataFrame | None, *, title: str) -> bytes:
    """A PNG (``WIDTH_PX`` x ``HEIGHT_PX``) of ``traces`` with ``peaks`` marked at their retention times.

    ``peaks`` is a results frame (``retention_time_min``, optional ``peak_name`` and ``area``); markers
    sit on the first trace's signal. Same input, same bytes.
    """
    return draw_png(prepare_render(traces, peaks, title))


__all__ = ["DPI", "HEIGHT_PX", "MAX_LABELS", "WIDTH_PX", "render_chromatogram_png", "x_axis_label"]
