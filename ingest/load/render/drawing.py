"""Drawing a :class:`RenderRequest` to PNG bytes with Pillow on a fixed layout: the reduced traces as
polylines, the axes box with ticks at nice values, labels, a legend when there are several channels,
peak markers and their labels rotated 90 degrees. No figure, no layout pass, no matplotlib import: a
render costs milliseconds. Plain functions on per-call images, so safe in threads and in worker
processes. Same request, same bytes."""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw

from ingest.load.render.envelope import FloatArray
from ingest.load.render.fonts import Font, font
from ingest.load.render.frame import Frame, frame_for
from ingest.load.render.layout import (
    BACKGROUND,
    DPI,
    HEIGHT_PX,
    INK,
    LABEL_FONT_PX,
    MARKER_COLOUR,
    MUTED,
    PALETTE,
    PEAK_FONT_PX,
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    PNG_COMPRESS_LEVEL,
    TICK_FONT_PX,
    TITLE_FONT_PX,
    WIDTH_PX,
)
from ingest.load.render.request import PeakLabel, RenderRequest
from ingest.load.render.ticks import nice_ticks, tick_labels

Colour = tuple[int, int, int]

PLOT_WIDTH, PLOT_HEIGHT = PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
#: Peak marker: a downward triangle this wide and tall, its tip this far above the apex.
MARKER_HALF_WIDTH, MARKER_HEIGHT, MARKER_GAP = 4, 8, 2
#: Pixels between a marker's top and its label.
LABEL_GAP = 3
TICK_LENGTH = 5
#: Shades of grey the antialiased text is drawn with (the palette's other colours are exact).
GREY_LEVELS = 18


def draw_png(request: RenderRequest) -> bytes:
    """A ``WIDTH_PX`` x ``HEIGHT_PX`` PNG of the request."""
    peak_font = font(PEAK_FONT_PX)
    labels = request.labels if request.lines else ()
    above_apex = MARKER_GAP + MARKER_HEIGHT + LABEL_GAP
    frame = frame_for(
        [line.x for line in request.lines],
        [line.y for line in request.lines],
        PLOT_WIDTH,
        PLOT_HEIGHT,
        [(label.y, above_apex + _text_size(label.text, peak_font)[0] + 6) for label in labels],
    )
    image = Image.new("RGB", (WIDTH_PX, HEIGHT_PX), BACKGROUND)
    # The plot area is drawn on an image of its own: whatever falls outside it is clipped there.
    plot = Image.new("RGB", (PLOT_WIDTH, PLOT_HEIGHT), BACKGROUND)
    plot_draw = ImageDraw.Draw(plot)
    for index, line in enumerate(request.lines):
        _polyline(plot_draw, frame, line.x, line.y, PALETTE[index % len(PALETTE)])
    if request.lines:
        _markers(plot_draw, frame, request.marker_x, request.marker_y)
        _peak_labels(plot_draw, frame, labels, peak_font)
    else:
        _centred(plot_draw, (PLOT_WIDTH // 2, PLOT_HEIGHT // 2), "no trace", font(LABEL_FONT_PX), MUTED)
    if len(request.lines) > 1:
        _legend(plot_draw, [line.channel for line in request.lines])
    image.paste(plot, (PLOT_LEFT, PLOT_TOP))
    draw = ImageDraw.Draw(image)
    draw.rectangle((PLOT_LEFT - 1, PLOT_TOP - 1, PLOT_RIGHT, PLOT_BOTTOM), outline=INK)
    _axes(draw, frame, request)
    buffer = io.BytesIO()
    indexed = image.quantize(palette=_png_palette(), dither=Image.Dither.NONE)
    indexed.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(DPI, DPI))
    return buffer.getvalue()


@functools.cache
def _png_palette() -> Image.Image:
    """The PNG's colours: the lines' and markers' own, and a ramp of greys for antialiased text.

    An indexed PNG holds a byte per pixel instead of three: it encodes about five times faster than
    RGB, and mapping the drawing onto a fixed palette costs less than that saves."""
    greys = [(level, level, level) for level in range(0, 256, 255 // (GREY_LEVELS - 1))]
    colours = [*greys, *PALETTE, MARKER_COLOUR, MUTED, INK, BACKGROUND]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


def _text_size(text: str, typeface: Font) -> tuple[int, int]:
    left, top, right, bottom = typeface.getbbox(text)
    return int(right - left), int(bottom - top)


def _centred(
    draw: ImageDraw.ImageDraw, at: tuple[float, float], text: str, typeface: Font, fill: Colour
) -> None:
    """``text`` with its ink centred on ``at``."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=typeface)
    draw.text((at[0] - (left + right) / 2, at[1] - (top + bottom) / 2), text, font=typeface, fill=fill)


def _rotated(text: str, typeface: Font) -> Image.Image:
    """``text`` as a mask turned 90 degrees anticlockwise (read from the bottom up), cropped to its ink."""
    left, top, right, bottom = typeface.getbbox(text)
    mask = Image.new("L", (max(1, int(right - left)), max(1, int(bottom - top))), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=typeface, fill=255)
    return mask.transpose(Image.Transpose.ROTATE_90)


def _polyline(draw: ImageDraw.ImageDraw, frame: Frame, x: FloatArray, y: FloatArray, colour: Colour) -> None:
    """A line through the finite points, broken where a point is not finite."""
    finite = np.isfinite(x) & np.isfinite(y)
    columns, rows = frame.columns(np.where(finite, x, 0.0)), frame.rows(np.where(finite, y, 0.0))
    edges = np.flatnonzero(np.diff(np.concatenate(([False], finite, [False])).astype(np.int8)))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        points = np.column_stack((columns[start:stop], rows[start:stop])).ravel().tolist()
        if stop - start == 1:
            draw.point(points, fill=colour)
        else:
            draw.line(points, fill=colour, width=1)


def _markers(draw: ImageDraw.ImageDraw, frame: Frame, x: FloatArray, y: FloatArray) -> None:
    shown = frame.shows_x(x) & np.isfinite(y)
    columns, rows = frame.columns(x[shown]).tolist(), frame.rows(y[shown]).tolist()
    for column, row in zip(columns, rows, strict=True):
        tip = row - MARKER_GAP
        draw.polygon(
            [
                (column - MARKER_HALF_WIDTH, tip - MARKER_HEIGHT),
                (column + MARKER_HALF_WIDTH, tip - MARKER_HEIGHT),
                (column, tip),
            ],
            fill=MARKER_COLOUR,
        )


def _peak_labels(
    draw: ImageDraw.ImageDraw, frame: Frame, labels: tuple[PeakLabel, ...], typeface: Font
) -> None:
    """Each label upright above its marker, largest peaks first; a label that would overlap one already
    drawn is left out (its marker stays)."""
    taken: list[tuple[int, int, int, int]] = []
    for label in labels:
        if not (frame.shows_x(np.array([label.x]))[0] and np.isfinite(label.y)):
            continue
        column = int(frame.columns(np.array([label.x]))[0])
        row = int(frame.rows(np.array([label.y]))[0])
        mask = _rotated(label.text, typeface)
        left = column - mask.width // 2
        bottom = row - MARKER_GAP - MARKER_HEIGHT - LABEL_GAP
        box = (left, bottom - mask.height, left + mask.width, bottom)
        if any(box[0] < t[2] + 1 and t[0] < box[2] + 1 and box[1] < t[3] and t[1] < box[3] for t in taken):
            continue
        taken.append(box)
        draw.bitmap((box[0], box[1]), mask, fill=INK)


def _legend(draw: ImageDraw.ImageDraw, channels: list[str]) -> None:
    """Channel names beside a sample of their line, in a box in the plot's upper right corner."""
    typeface = font(TICK_FONT_PX)
    row_height, sample, pad = TICK_FONT_PX + 6, 24, 6
    width = sample + 3 * pad + max(_text_size(name, typeface)[0] for name in channels)
    right, top = PLOT_WIDTH - 8, 8
    left, bottom = right - width, top + 2 * pad + row_height * len(channels) - 6
    draw.rectangle((left, top, right, bottom), fill=BACKGROUND, outline=MUTED)
    for index, name in enumerate(channels):
        middle = top + pad + row_height * index + (row_height - 6) // 2
        colour = PALETTE[index % len(PALETTE)]
        draw.line((left + pad, middle, left + pad + sample, middle), fill=colour, width=2)
        text_left, text_top, _, text_bottom = draw.textbbox((0, 0), name, font=typeface)
        at = (left + 2 * pad + sample - text_left, middle - (text_top + text_bottom) / 2)
        draw.text(at, name, font=typeface, fill=INK)


def _axes(draw: ImageDraw.ImageDraw, frame: Frame, request: RenderRequest) -> None:
    """Ticks and their labels, the axis labels and the title, around the plot area."""
    tick_font = font(TICK_FONT_PX)
    label_font = font(LABEL_FONT_PX)
    x_ticks = nice_ticks(frame.x_lo, frame.x_hi, most=11)
    for value, text in zip(x_ticks, tick_labels(x_ticks), strict=True):
        x = PLOT_LEFT + int(frame.columns(np.array([value]))[0])
        draw.line((x, PLOT_BOTTOM, x, PLOT_BOTTOM + TICK_LENGTH), fill=INK)
        _, top, _, bottom = draw.textbbox((0, 0), text, font=tick_font)
        _centred(draw, (x, PLOT_BOTTOM + TICK_LENGTH + 3 + (bottom - top) // 2), text, tick_font, INK)
    y_ticks = nice_ticks(frame.y_lo, frame.y_hi, most=8)
    for value, text in zip(y_ticks, tick_labels(y_ticks), strict=True):
        y = PLOT_TOP + int(frame.rows(np.array([value]))[0])
        draw.line((PLOT_LEFT - 1 - TICK_LENGTH, y, PLOT_LEFT - 1, y), fill=INK)
        _, top, right, bottom = draw.textbbox((0, 0), text, font=tick_font)
        at = (PLOT_LEFT - TICK_LENGTH - 4 - right, y - (top + bottom) / 2)
        draw.text(at, text, font=tick_font, fill=INK)
    _centred(draw, ((PLOT_LEFT + PLOT_RIGHT) // 2, PLOT_BOTTOM + 40), request.x_label, label_font, INK)
    y_label = _rotated(request.y_label, label_font)
    draw.bitmap((8, (PLOT_TOP + PLOT_BOTTOM - y_label.height) // 2), y_label, fill=INK)
    _centred(draw, (WIDTH_PX // 2, PLOT_TOP // 2), request.title, font(TITLE_FONT_PX), INK)
