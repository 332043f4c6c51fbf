"""A background thread that calls one function at a fixed interval until stopped (lease renewals and
instance heartbeats). A failing beat is logged and tried again at the next interval: a database that
went away must not end the thread that proves this process is alive once it is back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("ingest.ledger")


class Heartbeat:
    def __init__(self, beat: Callable[[], None], *, interval: float, name: str) -> None:
        if interval <= 0:
            raise ValueError(f"a heartbeat interval must be more than zero seconds; got {interval!r}.")
        self._beat = beat
        self._interval = interval
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop and join the thread (a beat in progress finishes first)."""
        self._stop.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._beat()
            except Exception as exc:  # logged, never fatal: the next beat tries again
                log.warning(
                    "%s: heartbeat failed (%s); trying again in %.1f s", self._name, exc, self._interval
                )
