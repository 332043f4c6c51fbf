"""New files whose ingest could not start because something it needs is briefly away (the ledger's
database restarting): each is offered again after a growing wait, until it gets a ledger row. The
watcher yields each version once, so without this a file would wait for the next restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ingest.models import SourceFile

#: The first wait and the longest, in seconds.
FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


class SourceRetries:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        # path -> (source, attempts so far, when it is due)
        self._waiting: dict[str, tuple[SourceFile, int, float]] = {}

    def add(self, source: SourceFile) -> float:
        """Offer ``source`` again later; returns the wait in seconds (doubling with each attempt)."""
        with self._lock:
            _, attempts, _ = self._waiting.get(str(source.path), (source, 0, 0.0))
            delay = min(FIRST_WAIT * float(2**attempts), LONGEST_WAIT)
            self._waiting[str(source.path)] = (source, attempts + 1, self._clock() + delay)
            return delay

    def forget(self, source: SourceFile) -> None:
        with self._lock:
            self._waiting.pop(str(source.path), None)

    def due(self) -> list[SourceFile]:
        """Sources whose wait is over and whose file is still there (a vanished one is dropped: the
        watcher offers whatever appears instead). They stay listed until ``forget`` or ``add``."""
        now = self._clock()
        with self._lock:
            for key, (source, _, _) in list(self._waiting.items()):
                if not source.path.exists():
                    del self._waiting[key]
            ready = [s for s, _, at in self._waiting.values() if at <= now]
            for source in ready:
                # Not offered again while this attempt runs: add() or forget() decides what follows.
                _, attempts, _ = self._waiting[str(source.path)]
                self._waiting[str(source.path)] = (source, attempts, float("inf"))
            return ready

    def __len__(self) -> int:
        with self._lock:
            return len(self._waiting)
