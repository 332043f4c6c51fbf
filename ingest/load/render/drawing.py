"""Drawing a :class:`RenderRequest` to PNG bytes: matplotlib's object API on an Agg canvas (never pyplot,
so no global figure state: safe in threads and in worker processes), a fixed layout, and the canvas
pixels encoded by Pillow at a fast zlib level. Same request, same bytes."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ingest.load.render.layout import AXES_RECT, DPI, HEIGHT_PX, PNG_COMPRESS_LEVEL, WIDTH_PX
from ingest.load.render.request import RenderRequest


def draw_png(request: RenderRequest) -> bytes:
    """A ``WIDTH_PX`` x ``HEIGHT_PX`` PNG of the request."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes(AXES_RECT)
    axes.set_title(request.title)
    axes.set_xlabel(request.x_label)
    axes.set_ylabel(request.y_label)
    for line in request.lines:
        axes.plot(line.x, line.y, linewidth=0.8, label=line.channel)
    if len(request.lines) > 1:
        axes.legend(loc="upper right", fontsize="small")
    if not request.lines:
        axes.text(0.5, 0.5, "no trace", transform=axes.transAxes, ha="center", va="center", color="grey")
    if len(request.marker_x):
        axes.scatter(request.marker_x, request.marker_y, marker="v", s=16, color="crimson", zorder=3)
    for label in request.labels:
        axes.annotate(
            label.text,
            (label.x, label.y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            rotation=90,
        )
    axes.margins(y=0.18)  # room above the tallest peak for its rotated label
    canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas is not annotated
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]  # as above
    pixels = np.asarray(rgba)[:, :, :3]
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(
        buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL
    )
    return buffer.getvalue()
