"""The stop signal handler: the grace period runs from the signal even when asking the command to stop
takes long, and the service's stop never blocks (it runs inside the signal handler, on the main thread,
which may hold whatever the stop would wait for)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from ingest.commands.interrupts import TERMINATED, GracefulStop
from ingest.watch import FolderWatcher, WatchOptions

DUE = 60.0  # generous for a loaded machine: an event that is due fails the test only when this passes


def test_the_grace_period_ends_a_stop_whose_request_blocks() -> None:
    released = threading.Event()
    exited: list[int] = []
    forced = threading.Event()

    def exit_now(code: int) -> None:
        exited.append(code)
        forced.set()

    stopper = GracefulStop(
        lambda: released.wait(DUE * 2), grace_seconds=0.05, say=lambda text: None, exit_now=exit_now
    )
    handler = threading.Thread(target=stopper._on_signal, args=(signal.SIGTERM, None))
    handler.start()
    try:
        assert forced.wait(DUE), "the grace period never ended the stop"
        assert exited == [TERMINATED]
        assert handler.is_alive(), "the request was still blocked when the grace period ended it"
    finally:
        released.set()
        handler.join(DUE)


def test_a_watchers_stop_request_does_not_wait_for_its_observers(tmp_path: Path) -> None:
    watcher = FolderWatcher([tmp_path], WatchOptions(settle_seconds=0, rescan_seconds=60))
    watcher.start()
    try:
        watcher.request_stop()
        assert all(o is not None and o.is_alive() for o in watcher.observers), "observers left to stop()"
    finally:
        watcher.stop()
    assert all(o is None for o in watcher.observers)
