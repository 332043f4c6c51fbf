"""Chromatograms drawn in worker processes, off the thread that plans and uploads.

The caller reduces the traces to their pixel columns (``prepare_render``, where the traces already
are), so only a request of a few kilobytes crosses to a worker, whatever the trace's length. Workers
are started with ``spawn`` (the same on Windows, macOS and Linux; no fork of a threaded process).
A render that overruns its time, or a worker that dies, takes down only its own pool: the pool is
replaced and the next render gets a fresh worker. Waiting is done through :class:`PendingRender`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

import pandas as pd

from ingest.load.render.drawing import draw_png
from ingest.load.render.request import RenderRequest, prepare_render
from ingest.models import Trace

log = logging.getLogger("ingest.render")

#: How long one render may take before its worker is stopped (a 1200 x 600 image takes well under 1 s).
DEFAULT_TIMEOUT_SECONDS = 120.0
#: A worker is replaced after this many renders, so a slow leak in a drawing library cannot grow.
TASKS_PER_WORKER = 500


def default_workers() -> int:
    """One worker per core but one (left to parsing and uploads), at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


class PendingRender:
    """A render in the pool. ``result`` waits for its PNG bytes (up to the pool's time limit)."""

    def __init__(self, pool: RenderPool, executor: ProcessPoolExecutor, future: Future[bytes]) -> None:
        self._pool = pool
        self._executor = executor
        self._future = future

    def result(self, timeout: float | None = None) -> bytes:
        """The PNG bytes. Raises ``concurrent.futures.TimeoutError`` when the render overran (its worker
        is then stopped), ``BrokenProcessPool`` when its worker died, or the render's own exception."""
        try:
            return self._future.result(timeout=self._pool.timeout_seconds if timeout is None else timeout)
        except (FutureTimeout, BrokenProcessPool):
            self._pool.replace(self._executor)
            raise

    def cancel(self) -> bool:
        return self._future.cancel()

    def done(self) -> bool:
        return self._future.done()


class RenderPool:
    """A pool of render processes. ``render`` has the resolver's ``RenderPng`` shape and returns at once.

    Close it (or use it as a context manager) to stop the workers. ``draw`` (a module-level function,
    since it is sent to the workers by name) turns a request into PNG bytes.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        draw: Callable[[RenderRequest], bytes] = draw_png,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"A render pool needs at least 1 worker; got {workers!r}.")
        self.workers = workers or default_workers()
        self.timeout_seconds = timeout_seconds
        self._draw = draw
        self._lock = threading.Lock()
        self._executor = self._start()
        self._closed = False

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=TASKS_PER_WORKER,
        )

    def render(self, traces: Sequence[Trace], peaks: pd.DataFrame | None, title: str) -> PendingRender:
        """Reduce the traces here and draw them in a worker."""
        return self.submit(prepare_render(traces, peaks, title))

    def submit(self, request: RenderRequest) -> PendingRender:
        with self._lock:
            if self._closed:
                raise RuntimeError("The render pool is closed.")
            executor = self._executor
        try:
            future = executor.submit(self._draw, request)
        except BrokenProcessPool:
            self.replace(executor)
            with self._lock:
                executor = self._executor
            future = executor.submit(self._draw, request)
        return PendingRender(self, executor, future)

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """Stop ``broken`` (when it is still the current pool) and start a new one in its place; renders
        still in ``broken`` end with ``BrokenProcessPool``."""
        with self._lock:
            if broken is not self._executor or self._closed:
                return
            self._executor = self._start()
        log.warning("render pool restarted after a render overran its time or its process stopped")
        _stop(broken)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor = self._executor
        executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _stop(executor: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public way to stop a busy worker before Python 3.14
    # (terminate_workers); its worker processes are reached through the private ``_processes``.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)
