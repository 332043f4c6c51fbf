"""Chromatogram PNG rendering: valid fixed-size PNGs, deterministic, thread-safe, bounded for long traces."""

from __future__ import annotations

import struct
import threading
from queue import Queue

import numpy as np
import pandas as pd

from ingest.load.chromatogram_png import HEIGHT_PX, WIDTH_PX, render_chromatogram_png, x_axis_label
from ingest.models import Trace

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def gaussian_trace(points: int = 600, peaks: tuple[float, ...] = (2.0, 5.0)) -> Trace:
    t = np.linspace(0, 10, points)
    signal = sum(100 * np.exp(-0.5 * ((t - rt) / 0.05) ** 2) for rt in peaks)
    return Trace("UV 254", pd.DataFrame({"time_min": t, "signal": signal}), "mAU")


def peaks_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"retention_time_min": [2.0, 5.0], "peak_name": ["Caffeine", None], "area": [10.0, 5.0]}
    )


def test_renders_a_png_of_fixed_size() -> None:
    data = render_chromatogram_png([gaussian_trace()], peaks_frame(), title="run42")
    assert png_size(data) == (WIDTH_PX, HEIGHT_PX)


def test_same_input_gives_same_bytes_and_peaks_change_the_image() -> None:
    a = render_chromatogram_png([gaussian_trace()], peaks_frame(), title="run42")
    b = render_chromatogram_png([gaussian_trace()], peaks_frame(), title="run42")
    c = render_chromatogram_png([gaussian_trace()], None, title="run42")
    assert a == b
    assert a != c


def test_curves_recorded_against_volume_are_drawn_over_volume() -> None:
    by_time = gaussian_trace()
    by_volume = Trace("UV", by_time.data, "mAU", x_unit="ml")
    assert x_axis_label([by_time]) == x_axis_label([]) == "Time (min)"
    assert x_axis_label([by_volume]) == "Volume (ml)"
    assert render_chromatogram_png([by_volume], None, title="r") != render_chromatogram_png(
        [by_time], None, title="r"
    )


def test_no_traces_and_several_traces_render() -> None:
    assert png_size(render_chromatogram_png([], peaks_frame(), title="empty")) == (WIDTH_PX, HEIGHT_PX)
    two = render_chromatogram_png([gaussian_trace(), gaussian_trace(peaks=(3.0,))], None, title="two")
    assert png_size(two) == (WIDTH_PX, HEIGHT_PX)


def test_a_million_point_trace_renders() -> None:
    data = render_chromatogram_png([gaussian_trace(points=1_000_000)], peaks_frame(), title="long")
    assert png_size(data) == (WIDTH_PX, HEIGHT_PX)


def test_text_values_and_gaps_in_a_trace_are_left_out() -> None:
    frame = pd.DataFrame({"time_min": ["0", "1", "x", "3"], "signal": [1.0, None, 2.0, 3.0]})
    assert png_size(render_chromatogram_png([Trace("UV", frame)], None, title="gaps")) == (
        WIDTH_PX,
        HEIGHT_PX,
    )


def test_many_peaks_render() -> None:
    rts = np.linspace(0.1, 9.9, 5000)
    peaks = pd.DataFrame(
        {"retention_time_min": rts, "peak_name": [f"p{i}" for i in range(5000)], "area": rts}
    )
    assert png_size(render_chromatogram_png([gaussian_trace()], peaks, title="many")) == (WIDTH_PX, HEIGHT_PX)


def test_renders_concurrently_in_threads_with_identical_output() -> None:
    expected = render_chromatogram_png([gaussian_trace()], peaks_frame(), title="threads")
    results: Queue[bytes | BaseException] = Queue()

    def work() -> None:
        try:
            results.put(render_chromatogram_png([gaussian_trace()], peaks_frame(), title="threads"))
        except BaseException as exc:
            results.put(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    outputs = [results.get(timeout=60) for _ in threads]
    for thread in threads:
        thread.join(timeout=60)
    assert all(out == expected for out in outputs)
