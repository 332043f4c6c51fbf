"""Reducing a trace to its pixel columns: bounded points, every column's extremes kept, chunk-independent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.load.render.envelope import column_envelope, float_chunks
from ingest.load.render.layout import PLOT_COLUMNS
from ingest.load.render.request import prepare_render
from ingest.models import Trace


def test_a_one_sample_peak_keeps_its_height_among_millions_of_points() -> None:
    n = 3_000_001
    time = pd.Series(np.linspace(0.0, 30.0, n))
    signal = np.zeros(n)
    signal[1_234_567] = 500.0  # one sample wide: a naive every-k-th-point thinning would lose it
    signal[2_000_000] = -7.0
    envelope = column_envelope(time, pd.Series(signal), PLOT_COLUMNS, chunk=100_000)
    assert len(envelope) <= PLOT_COLUMNS
    assert envelope.high.max() == 500.0 and envelope.low.min() == -7.0
    spike_column = envelope.x[np.argmax(envelope.high)]
    assert abs(spike_column - time[1_234_567]) <= 30.0 / PLOT_COLUMNS
    xs, ys = envelope.polyline()
    assert len(xs) == 2 * len(envelope) and ys.max() == 500.0 and np.all(np.diff(xs) >= 0)


def test_the_marker_of_a_narrow_peak_sits_on_its_apex() -> None:
    n = 2_000_000
    t = np.linspace(0.0, 10.0, n)
    s = np.zeros(n)
    s[700_000] = 80.0
    trace = Trace("UV", pd.DataFrame({"time_min": t, "signal": s}))
    peaks = pd.DataFrame({"retention_time_min": [t[700_000]], "area": [1.0]})
    request = prepare_render([trace], peaks, "narrow")
    assert request.marker_y[0] == 80.0
    assert request.lines[0].y.max() == 80.0


def test_each_column_holds_exactly_the_min_and_max_of_its_points_whatever_the_chunking() -> None:
    rng = np.random.default_rng(7)
    time = pd.Series(np.sort(rng.uniform(0, 5, 50_000)))
    signal = pd.Series(rng.normal(0, 1, 50_000))
    whole = column_envelope(time, signal, 100, chunk=1_000_000)
    chunked = column_envelope(time, signal, 100, chunk=777)
    assert np.array_equal(whole.low, chunked.low) and np.array_equal(whole.high, chunked.high)
    column = np.minimum(((time - time.min()) * (100 / (time.max() - time.min()))).astype(int), 99)
    expected = signal.groupby(column).agg(["min", "max"])
    assert np.array_equal(whole.low, expected["min"].to_numpy())
    assert np.array_equal(whole.high, expected["max"].to_numpy())


def test_out_of_order_times_are_binned_like_ordered_ones() -> None:
    rng = np.random.default_rng(3)
    time = np.sort(rng.uniform(0, 5, 10_000))
    signal = rng.normal(0, 1, 10_000)
    order = rng.permutation(10_000)
    ordered = column_envelope(pd.Series(time), pd.Series(signal), 64)
    shuffled = column_envelope(pd.Series(time[order]), pd.Series(signal[order]), 64, chunk=1_000)
    assert np.array_equal(ordered.low, shuffled.low) and np.array_equal(ordered.high, shuffled.high)


def test_missing_text_and_single_point_traces() -> None:
    empty = column_envelope(pd.Series(["a", None]), pd.Series([1.0, 2.0]), 10)
    assert len(empty) == 0
    single = column_envelope(pd.Series([2.5, 2.5]), pd.Series([1.0, 4.0]), 10)
    assert list(single.x) == [2.5] and list(single.low) == [1.0] and list(single.high) == [4.0]


def test_float_columns_are_read_as_views_and_pyarrow_columns_in_chunks() -> None:
    plain = pd.Series(np.arange(10, dtype=np.float64))
    views = list(float_chunks(plain, 4))
    assert [len(v) for v in views] == [4, 4, 2] and all(np.shares_memory(v, plain.to_numpy()) for v in views)
    arrow = pd.Series([1.0, None, 3.0], dtype="double[pyarrow]")
    [chunk] = list(float_chunks(arrow, 4))
    assert np.isnan(chunk[1]) and chunk[2] == 3.0
