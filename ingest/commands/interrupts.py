"""Ctrl-C and SIGTERM for a long-running command: stop at the next checkpoint, or at once if pressed.

The first SIGINT (Ctrl-C) or SIGTERM asks the command to stop at its next checkpoint (``request_stop``).
A second signal, or ``grace_seconds`` without having stopped, ends the process at once: everything the
pipeline does is persisted before it acts, so the next start resumes where this one was cut.

Exit codes: 130 after Ctrl-C (128 + SIGINT, as shells report it), whether the stop was graceful or
forced; 0 after a SIGTERM that stopped in time (a service manager asked, and it stopped); 143
(128 + SIGTERM) when a SIGTERM stop had to be forced. Only ``signal.signal`` is used, so it works on
Windows too (where Ctrl-C and Ctrl-Break arrive as SIGINT; SIGTERM is what ``os.kill`` sends).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

log = logging.getLogger("ingest.stop")

INTERRUPTED = 130
TERMINATED = 143
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


#: SIGTERMs that arrived while a long-running command was still starting (see ``hold_stop_signals``),
#: and the handler held before, which a GracefulStop puts back when it is done.
_EARLY: list[int] = []
_HELD_FROM: dict[int, Any] = {}


def hold_stop_signals() -> None:
    """Keep a SIGTERM that arrives before the command's :class:`GracefulStop` is installed (while its
    modules are still being imported) instead of dying of it; the GracefulStop then acts on it at once.
    Only for commands that install one (``watch``)."""
    if hasattr(signal, "SIGTERM"):
        _HELD_FROM.setdefault(signal.SIGTERM, signal.getsignal(signal.SIGTERM))
        signal.signal(signal.SIGTERM, lambda signum, frame: _EARLY.append(signum))


def release_stop_signals() -> None:
    """Undo ``hold_stop_signals`` when no GracefulStop took over (``watch --help``, a usage error)."""
    for number, handler in list(_HELD_FROM.items()):
        signal.signal(number, handler)
    _HELD_FROM.clear()
    _EARLY.clear()


class GracefulStop:
    """Installs itself as the SIGINT and SIGTERM handler while used as a context manager."""

    def __init__(
        self,
        request_stop: Callable[[], None],
        *,
        grace_seconds: float,
        say: Callable[[str], None],
        exit_now: Callable[[int], None] = os._exit,
    ) -> None:
        self._request_stop = request_stop
        self._grace = grace_seconds
        self._say = say
        self._exit_now = exit_now
        self._timer: threading.Timer | None = None
        #: The first signal received, None while none was.
        self.first_signal: int | None = None

    @property
    def exit_code(self) -> int:
        """What the command exits with after stopping gracefully (0 when no signal came)."""
        return INTERRUPTED if self.first_signal == signal.SIGINT else 0

    @contextmanager
    def installed(self) -> Iterator[GracefulStop]:
        previous = {number: _HELD_FROM.pop(number, signal.getsignal(number)) for number in _SIGNALS}
        for number in _SIGNALS:
            signal.signal(number, self._on_signal)
        if _EARLY:
            early = _EARLY[0]
            _EARLY.clear()
            self._on_signal(early, None)
        try:
            yield self
        finally:
            if self._timer is not None:
                self._timer.cancel()
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.first_signal is not None:
            self._force(signum, "a second signal")
            return
        self.first_signal = signum
        self._say(
            f"Stopping after the files in hand reach a checkpoint (at most {self._grace:.0f} s; "
            "press Ctrl-C again to stop at once)..."
        )
        # The grace period runs from the signal, whatever ``request_stop`` does.
        self._timer = threading.Timer(self._grace, self._force, args=(signum, "the grace period's end"))
        self._timer.daemon = True
        self._timer.start()
        self._request_stop()

    def _force(self, signum: int, why: str) -> None:
        first = self.first_signal if self.first_signal is not None else signum
        code = INTERRUPTED if first == signal.SIGINT else TERMINATED
        self._say(f"Stopping at once ({why}); the next start resumes the files in hand.")
        log.warning("Stopped at once on %s; the ledger resumes the files in hand at the next start.", why)
        # A closed pipe or file must not keep the process alive.
        for flushable in (sys.stdout, sys.stderr, *logging.getLogger().handlers):
            with suppress(OSError, ValueError):
                flushable.flush()
        self._exit_now(code)
