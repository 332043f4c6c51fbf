"""The Pillow chromatogram drawing, checked on its pixels: traces where their values say, peaks marked
and labelled, channels in distinct colours with a legend, "no trace" when empty, odd values survived."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from PIL import Image, ImageFont

from ingest.load.render.drawing import draw_png
from ingest.load.render.fonts import bundled_font_path, font
from ingest.load.render.layout import (
    HEIGHT_PX,
    MARKER_COLOUR,
    MUTED,
    PALETTE,
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    WIDTH_PX,
)
from ingest.load.render.request import PeakLabel, RenderRequest, TraceLine, prepare_render
from ingest.load.render.ticks import nice_ticks, tick_labels
from ingest.models import Trace

Pixels = npt.NDArray[np.uint8]
PLOT_WIDTH, PLOT_HEIGHT = PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP


def pixels(png: bytes) -> Pixels:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def where(image: Pixels, colour: tuple[int, int, int]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Rows and columns of the pixels of exactly ``colour``."""
    rows, columns = np.nonzero((image == np.array(colour, dtype=np.uint8)).all(axis=2))
    return rows, columns


def dark(image: Pixels) -> npt.NDArray[np.bool_]:
    """Pixels of text ink: grey or black (all channels equal), clearly darker than the background."""
    grey = (image[:, :, 0] == image[:, :, 1]) & (image[:, :, 1] == image[:, :, 2])
    return grey & (image[:, :, 0] < 160)


def peak_trace(rt: float = 4.0, channel: str = "UV 254", height: float = 100.0) -> Trace:
    """A 0-10 min trace, flat at zero but for one narrow peak at ``rt``."""
    t = np.linspace(0.0, 10.0, 5001)
    signal = height * np.exp(-0.5 * ((t - rt) / 0.03) ** 2)
    return Trace(channel, pd.DataFrame({"time_min": t, "signal": signal}), "mAU")


def column_of(minutes: float) -> int:
    """The image column of a time on the 0-10 min traces above."""
    return PLOT_LEFT + int(minutes / 10.0 * PLOT_WIDTH)


def named_peak(rt: float, name: str) -> pd.DataFrame:
    return pd.DataFrame({"retention_time_min": [rt], "peak_name": [name], "area": [1.0]})


def test_the_image_is_indexed_at_the_fixed_size_and_the_same_request_gives_the_same_bytes() -> None:
    request = prepare_render([peak_trace()], named_peak(4.0, "Caffeine"), "run")
    png = draw_png(request)
    image = Image.open(io.BytesIO(png))
    assert image.size == (WIDTH_PX, HEIGHT_PX)
    assert image.mode == "P"
    assert draw_png(request) == png


def test_a_peak_is_drawn_at_its_retention_time_over_a_baseline_at_the_bottom() -> None:
    image = pixels(draw_png(prepare_render([peak_trace(rt=4.0)], None, "run")))
    rows, columns = where(image, PALETTE[0])
    assert len(rows)
    apex = columns[rows == rows.min()]
    assert abs(int(np.median(apex)) - column_of(4.0)) <= 3
    assert rows.min() < PLOT_TOP + 0.1 * PLOT_HEIGHT  # the tallest value reaches near the top
    baseline = rows[(columns > column_of(6.0)) & (columns < column_of(9.0))]
    assert len(baseline)
    assert (baseline > PLOT_BOTTOM - 0.1 * PLOT_HEIGHT).all() and (baseline < PLOT_BOTTOM).all()
    outside = (columns < PLOT_LEFT) | (columns >= PLOT_RIGHT) | (rows < PLOT_TOP) | (rows >= PLOT_BOTTOM)
    assert not outside.any()


def test_a_peak_is_marked_and_labelled_above_its_apex() -> None:
    with_peak = pixels(draw_png(prepare_render([peak_trace(rt=4.0)], named_peak(4.0, "Caffeine"), "run")))
    without = pixels(draw_png(prepare_render([peak_trace(rt=4.0)], None, "run")))
    near = slice(column_of(4.0) - 8, column_of(4.0) + 9)
    marker_rows, _ = where(with_peak[:, near], MARKER_COLOUR)
    assert len(marker_rows)
    assert not len(where(without, MARKER_COLOUR)[0])
    trace_top = where(with_peak, PALETTE[0])[0].min()
    assert marker_rows.max() <= trace_top  # the marker sits on the apex, not below it
    above = slice(PLOT_TOP, int(marker_rows.min()))
    assert dark(with_peak[above, near]).sum() > 20  # the rotated name, above the marker
    assert not dark(without[above, near]).any()


def test_the_tallest_peak_leaves_room_for_its_label_inside_the_plot() -> None:
    image = pixels(draw_png(prepare_render([peak_trace(rt=4.0)], named_peak(4.0, "A long peak name"), "run")))
    near = slice(column_of(4.0) - 8, column_of(4.0) + 9)
    ink_rows = np.nonzero(dark(image[PLOT_TOP : PLOT_BOTTOM - 1, near]).any(axis=1))[0]
    assert len(ink_rows) and ink_rows.min() > 1  # below the box's top edge, not cut off by it


def test_several_channels_are_drawn_in_distinct_colours_with_a_legend() -> None:
    traces = [peak_trace(rt=2.0, channel="UV 254"), peak_trace(rt=5.0, channel="UV 280", height=50.0)]
    image = pixels(draw_png(prepare_render(traces, None, "two")))
    traced = image[:, : PLOT_RIGHT - 200]  # left of the legend
    first, second = where(traced, PALETTE[0]), where(traced, PALETTE[1])
    assert abs(int(np.median(first[1][first[0] == first[0].min()])) - column_of(2.0)) <= 3
    assert abs(int(np.median(second[1][second[0] == second[0].min()])) - column_of(5.0)) <= 3
    legend = image[PLOT_TOP : PLOT_TOP + 60, PLOT_RIGHT - 200 : PLOT_RIGHT]
    assert len(where(legend, PALETTE[0])[0]) and len(where(legend, PALETTE[1])[0])
    assert dark(legend).sum() > 50  # the channel names
    single = pixels(draw_png(prepare_render(traces[:1], None, "one")))
    assert not dark(single[PLOT_TOP : PLOT_TOP + 60, PLOT_RIGHT - 200 : PLOT_RIGHT]).any()


def test_an_empty_request_says_no_trace() -> None:
    image = pixels(draw_png(prepare_render([], named_peak(4.0, "Caffeine"), "empty")))
    centre = image[PLOT_TOP + PLOT_HEIGHT // 2 - 15 : PLOT_TOP + PLOT_HEIGHT // 2 + 15, 560:720]
    assert len(where(centre, MUTED)[0]) > 20
    assert not any(len(where(image, colour)[0]) for colour in (*PALETTE, MARKER_COLOUR))


def test_text_is_drawn_around_the_plot() -> None:
    image = pixels(draw_png(prepare_render([peak_trace()], None, "A title")))
    assert dark(image[: PLOT_TOP - 2, :]).any()  # title
    assert dark(image[PLOT_BOTTOM + 2 :, PLOT_LEFT:PLOT_RIGHT]).any()  # x ticks and label
    assert dark(image[PLOT_TOP:PLOT_BOTTOM, : PLOT_LEFT - 2]).any()  # y ticks and label


def request_of(x: list[float], y: list[float], labels: tuple[PeakLabel, ...] = ()) -> RenderRequest:
    line = TraceLine("UV", np.array(x, dtype=np.float64), np.array(y, dtype=np.float64))
    marks = np.array([label.x for label in labels], dtype=np.float64)
    heights = np.array([label.y for label in labels], dtype=np.float64)
    return RenderRequest("odd", "Time (min)", "Signal", (line,), marks, heights, labels)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([0.0, 1.0, np.nan, 3.0, np.inf], [1.0, np.nan, 2.0, -np.inf, 3.0]),
        ([np.nan, np.nan], [np.nan, np.nan]),
        ([0.0, 1.0, 2.0], [-1e308, 1e308, 0.0]),
        ([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]),
        ([0.0], [7.0]),
        ([], []),
    ],
    ids=["gaps", "all-missing", "huge", "one-time", "one-point", "no-points"],
)
def test_missing_infinite_and_extreme_values_do_not_stop_the_drawing(x: list[float], y: list[float]) -> None:
    labels = (PeakLabel("p", np.nan, 1.0), PeakLabel("q", 1.0, np.inf), PeakLabel("r", 1.0, 2.0))
    image = pixels(draw_png(request_of(x, y, labels)))
    assert image.shape == (HEIGHT_PX, WIDTH_PX, 3)


def test_a_flat_trace_is_a_level_line_inside_the_plot() -> None:
    t = np.linspace(0.0, 10.0, 1000)
    flat = Trace("UV", pd.DataFrame({"time_min": t, "signal": np.full(1000, 42.0)}), "mAU")
    image = pixels(draw_png(prepare_render([flat], None, "flat")))
    rows, columns = where(image, PALETTE[0])
    assert len(set(rows.tolist())) == 1
    assert PLOT_TOP < rows[0] < PLOT_BOTTOM
    assert columns.min() <= PLOT_LEFT + 1 and columns.max() >= PLOT_RIGHT - 2


def test_the_render_path_does_not_import_matplotlib() -> None:
    code = (
        "import sys\n"
        "from ingest.load import render_chromatogram_png\n"
        "from ingest.load.render.pool import RenderPool\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_text_uses_the_bundled_truetype_font() -> None:
    path = bundled_font_path()
    assert path is not None and path.name == "DejaVuSans.ttf"
    assert isinstance(font(11), ImageFont.FreeTypeFont)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0.0, 10.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
        (-0.3, 107.0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
        (59.9, 60.1, [59.9, 59.95, 60.0, 60.05, 60.1]),
        (1.0, 1.0, []),
        (0.0, np.inf, []),
    ],
)
def test_ticks_fall_on_nice_values_inside_the_range(lo: float, hi: float, expected: list[float]) -> None:
    assert nice_ticks(lo, hi, most=8) == expected


def test_tick_labels_have_the_decimals_their_step_needs() -> None:
    assert tick_labels([0.0, 2.5, 5.0]) == ["0.0", "2.5", "5.0"]
    assert tick_labels([59.9, 59.95, 60.0]) == ["59.90", "59.95", "60.00"]
    assert tick_labels([0.0, 1e9, 2e9]) == ["0", "1e+09", "2e+09"]


def test_a_peak_outside_the_traces_time_range_is_not_marked() -> None:
    image = pixels(draw_png(prepare_render([peak_trace(rt=4.0)], named_peak(12.0, "Late"), "run")))
    assert not len(where(image, MARKER_COLOUR)[0])
