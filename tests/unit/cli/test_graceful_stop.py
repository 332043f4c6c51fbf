"""The stop signal handler: the grace period runs from the signal even when asking the command to stop
takes long, and the service's stop never blocks (it runs inside the signal handler, on the main thread,
which may hold whatever the stop would wait for)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from ingest.commands.interrupts import TERMINATED, GracefulStop, hold_stop_signals
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


def test_a_sigterm_while_the_command_starts_is_kept_and_acted_on_once_the_stop_is_installed() -> None:
    """A service manager stopping ``watch`` while it still imports its modules: not a death by signal
    (-15, nothing said), but the graceful stop, as soon as the command installs it."""
    original = signal.getsignal(signal.SIGTERM)
    asked: list[bool] = []
    try:
        hold_stop_signals()
        signal.raise_signal(signal.SIGTERM)  # kept, not fatal
        assert asked == []
        stopper = GracefulStop(
            lambda: asked.append(True), grace_seconds=DUE, say=lambda text: None, exit_now=lambda code: None
        )
        with stopper.installed():
            assert asked == [True] and stopper.first_signal == signal.SIGTERM
        assert stopper.exit_code == 0
        assert signal.getsignal(signal.SIGTERM) is original, "the handler from before the hold is back"
    finally:
        signal.signal(signal.SIGTERM, original)
