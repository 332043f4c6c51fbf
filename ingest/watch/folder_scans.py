"""When each watched folder was last listed, and whether it could be: for the status page and health."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.watch.listing import RootListing


@dataclass(frozen=True)
class FolderScan:
    """One watched folder: ``scanned_at`` is the wall-clock time of its last successful listing (None
    before the first); ``problem`` says why it could not be listed last time (None: reachable)."""

    root: Path
    scanned_at: float | None
    reachable: bool
    problem: str | None = None


class FolderScans:
    """Filled by the watcher's scans; read from any thread."""

    def __init__(self, roots: Sequence[Path], *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._scans = {root: FolderScan(root, None, True) for root in roots}

    def record(self, listing: RootListing) -> None:
        with self._lock:
            previous = self._scans.get(listing.root, FolderScan(listing.root, None, True))
            if listing.available:
                self._scans[listing.root] = FolderScan(listing.root, self._clock(), True)
            else:
                self._scans[listing.root] = FolderScan(
                    listing.root, previous.scanned_at, False, listing.problem or "it cannot be listed"
                )

    def all(self) -> list[FolderScan]:
        with self._lock:
            return list(self._scans.values())
