"""Keeps one watchdog observer per watched root alive; its events only wake the scanner.

Events are hints, never the truth: a polling emitter stops itself when its root vanishes or a snapshot
fails (watchdog #1065), native observers drop events on overflow (#1019), and a native observer keeps
watching a folder that was moved away and replaced. So each cycle the scanner calls
:meth:`ObserverSupervisor.ensure_running`, which replaces any observer whose threads have died or whose
folder is no longer the one it started on, once the root is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger(__name__)

# Our own reads (readiness checks, hashing) raise these on Linux; waking on them would loop forever.
_IGNORED_EVENT_TYPES = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class _WakeHandler(FileSystemEventHandler):
    def __init__(self, wake: Callable[[], None]) -> None:
        super().__init__()
        self._wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _IGNORED_EVENT_TYPES:
            self._wake()


class ObserverSupervisor:
    """Starts, health-checks and restarts one observer per root; ``wake`` is called on every event."""

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        use_polling: Callable[[Path], bool],
        recursive: bool,
        wake: Callable[[], None],
        polling_interval: float,
    ) -> None:
        self._roots = tuple(roots)
        self._use_polling = use_polling
        self._recursive = recursive
        self._handler = _WakeHandler(wake)
        self._polling_interval = polling_interval
        self._observers: dict[Path, BaseObserver | None] = dict.fromkeys(self._roots)
        self._polling: dict[Path, bool] = {}
        self._identities: dict[Path, tuple[int, int] | None] = {}
        self._start_failure_logged: set[Path] = set()
        self.restarts = 0

    @property
    def observers(self) -> tuple[BaseObserver | None, ...]:
        """The current observer of each root, in root order (None while the root is unavailable)."""
        return tuple(self._observers[root] for root in self._roots)

    def ensure_running(self) -> bool:
        """Start or replace observers that are missing or dead; True when any observer was (re)started."""
        started = False
        for root in self._roots:
            current = self._observers[root]
            same_folder = _identity(root) == self._identities.get(root)
            if current is not None and same_folder and _is_healthy(current):
                continue
            if current is not None:
                # A native observer keeps watching a deleted or replaced folder's old inode and would
                # stay silent forever; the identity check catches that as well as dead threads.
                log.warning(
                    "The file-system observer for %s stopped or lost its folder; restarting it.", root
                )
                _stop(current)
                self._observers[root] = None
                self.restarts += 1
            if not root.is_dir():
                continue
            replacement = self._start(root)
            if replacement is not None:
                self._observers[root] = replacement
                started = True
        return started

    def stop(self) -> None:
        """Stop every observer and join all their threads."""
        for root in self._roots:
            current = self._observers[root]
            self._observers[root] = None
            if current is not None:
                _stop(current)

    def _start(self, root: Path) -> BaseObserver | None:
        polling = self._polling.get(root)
        if polling is None:
            polling = self._polling[root] = self._use_polling(root)
            log.info("Watching %s with %s.", root, "polling" if polling else "native file-system events")
        observer: BaseObserver = PollingObserver(timeout=self._polling_interval) if polling else Observer()
        self._identities[root] = _identity(root)
        try:
            observer.schedule(self._handler, str(root), recursive=self._recursive)
            observer.start()
        except OSError as exc:
            # e.g. inotify watch limits (ENOSPC/EMFILE, watchdog #673) or the root vanishing right now:
            # the periodic rescan still finds every file, only with more latency.
            if root not in self._start_failure_logged:
                log.warning("Cannot watch %s for events (%s); relying on periodic rescans.", root, exc)
                self._start_failure_logged.add(root)
            _stop(observer)
            return None
        self._start_failure_logged.discard(root)
        return observer


def _identity(root: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(root)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _is_healthy(observer: BaseObserver) -> bool:
    emitters = list(observer.emitters)
    return observer.is_alive() and bool(emitters) and all(emitter.is_alive() for emitter in emitters)


def _stop(observer: BaseObserver) -> None:
    with contextlib.suppress(Exception):
        observer.stop()
    if observer.is_alive():
        observer.join()
    else:
        # A never-started observer still owns emitters; unschedule_all stops and joins them.
        with contextlib.suppress(Exception):
            observer.unschedule_all()
