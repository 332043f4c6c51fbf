"""Stopping on request: one ``threading.Event`` shared by the service loop and every wait under it.

The client's backoff and rate-limit waits, the hourly pacer and a shared request budget all take a
``sleep`` seam; the one made here waits on the stop event instead of ``time.sleep``, so that a stop
ends any such wait at once (raising ``StopRequestedError``, a retryable error: the file stays where it
is and is taken again by the next start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ingest.errors import StopRequestedError


def stop_aware_sleep(stop: threading.Event) -> Callable[[float], None]:
    """A ``sleep(seconds)`` that returns after ``seconds``, or raises as soon as ``stop`` is set."""

    def sleep(seconds: float) -> None:
        if stop.wait(max(0.0, seconds)):
            raise StopRequestedError(
                f"Stopped while waiting {seconds:.1f} s (a stop was asked for); resumed at the next start."
            )

    return sleep
