"""Chromatogram render time and peak memory, before issue #14 and now, for a 1 MB and a 200 MB trace.

Each case runs in a fresh spawned process that builds the trace in memory (two float64 columns), then
renders it while a thread samples RSS every 5 ms (psutil). "old" is ``bench/render_baseline.py`` (the
matplotlib renderer before issue #14), drawn in the calling process. "thread" is the renderer now
(the trace reduced to its pixel columns, drawn with Pillow) in the calling thread, as the pipeline
runs it by default. "pool" reduces the trace in the calling process and draws in a ``RenderPool``
worker (started and warmed before timing), whose own peak RSS is sampled too. Each case is warmed by
one render of a small trace first. Prints JSON.

    .venv/bin/python -m bench.render
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs installed

MB = 1024 * 1024
#: A 200 MB trace renders within this much memory (issue #14).
TARGET_RSS_MB = 300
STYLES = ("old", "thread", "pool")


def _load_average() -> float | None:
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None


class PeakRss:
    """Samples the RSS of this process (and of its children) until stopped."""

    def __init__(self) -> None:
        self.own = psutil.Process()
        self.peak_own = self.own.memory_info().rss
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak_own = max(self.peak_own, self.own.memory_info().rss)
            for child in self.own.children():
                try:
                    self.peak_children = max(self.peak_children, child.memory_info().rss)
                except psutil.Error:
                    continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _trace(size_mb: float) -> Any:
    import numpy as np
    import pandas as pd

    from ingest.models import Trace

    points = int(size_mb * MB / 16)
    t = np.linspace(0.0, 60.0, points)
    signal = np.random.default_rng(1).normal(0.0, 0.5, points)
    signal += 800.0 * np.exp(-0.5 * ((t - 21.0) / 0.02) ** 2)
    signal[points // 3] = 950.0  # a one-sample spike the image must show
    return Trace("UV 254", pd.DataFrame({"time_min": t, "signal": signal}), "mAU")


def _peaks() -> Any:
    import pandas as pd

    return pd.DataFrame({"retention_time_min": [21.0, 20.0], "peak_name": ["Main", None], "area": [9.0, 1.0]})


def _case(style: str, size_mb: float, repeat: int, out: Any) -> None:
    """Child process: build the trace, render it ``repeat`` times, report time and memory."""
    from bench.render_baseline import render_chromatogram_png as old_render
    from ingest.load import RenderPool
    from ingest.load.render.drawing import draw_png
    from ingest.load.render.request import prepare_render

    trace, peaks = _trace(size_mb), _peaks()
    pool = RenderPool(1) if style == "pool" else None

    def render(traces: list[Any], title: str) -> bytes:
        if style == "old":
            return bytes(old_render(traces, peaks, title=title))
        if pool is not None:
            return pool.render(traces, peaks, title).result()
        return draw_png(prepare_render(traces, peaks, title))

    render([_trace(0.01)], "warm-up")
    with_trace = psutil.Process().memory_info().rss
    sampler = PeakRss()
    times, cpu, png = [], [], b""
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        png = render([trace], "bench")
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    sampler.stop()
    if pool is not None:
        pool.close()
    out.send(
        {
            "seconds": statistics.median(times),
            "caller_thread_cpu_seconds": statistics.median(cpu),
            "rss_with_trace_mb": round(with_trace / MB, 1),
            "caller_peak_mb": round(sampler.peak_own / MB, 1),
            "caller_extra_mb": round((sampler.peak_own - with_trace) / MB, 1),
            "worker_peak_mb": round(sampler.peak_children / MB, 1) if style == "pool" else None,
            "png_kb": round(len(png) / 1024, 1),
        }
    )


def measure(style: str, size_mb: float, repeat: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_case, args=(style, size_mb, repeat, send))
    process.start()
    figures: dict[str, Any] = receive.recv()
    process.join()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--large-mb", type=float, default=200.0)
    parser.add_argument(
        "--repeat", type=int, default=10, help="renders of the 1 MB trace (median; 3 of the large)"
    )
    args = parser.parse_args(argv)
    sizes = {"small": (1.0, args.repeat), "large": (args.large_mb, 3)}
    result: dict[str, Any] = {
        "sizes_mb": {k: v[0] for k, v in sizes.items()},
        "load_average": _load_average(),
    }
    for name, (size_mb, repeat) in sizes.items():
        figures = {style: measure(style, size_mb, repeat) for style in STYLES}
        old = figures["old"]["seconds"]
        result[name] = {
            **figures,
            "time_ratio_old_over_thread": round(old / figures["thread"]["seconds"], 1),
            "time_ratio_old_over_pool": round(old / figures["pool"]["seconds"], 1),
        }
    large = result["large"]
    result["load_average"] = [result["load_average"], _load_average()]
    result["target_mb"] = TARGET_RSS_MB
    # In the calling thread the render's memory is the caller's growth beyond the trace it holds anyway;
    # in the pool it is the worker's whole process.
    result["thread_within_target"] = large["thread"]["caller_extra_mb"] < TARGET_RSS_MB
    result["pool_within_target"] = large["pool"]["worker_peak_mb"] < TARGET_RSS_MB
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
