"""Settle detection: a candidate is settled once its signature has not changed for a set time.

Time comes from the caller (an injected clock), so unit tests step it by hand. The tracker only
remembers the first moment each signature was seen; a changed signature starts the wait again.

An empty candidate waits longer (``empty_settle_seconds``): writers create a file before they write to
it, and a writer that stalls between the two (a busy instrument PC, a copy tool opening every file of a
batch first) would otherwise hand over an empty file to be quarantined while its content is still on
the way. A file that stays empty that long is taken (and refused as empty, with its reason).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ingest.watch.listing import Signature


@dataclass
class _Observation:
    root: Path
    signature: Signature
    since: float


class SettleTracker:
    """Remembers, per candidate path, its last signature and since when it has been unchanged."""

    def __init__(self, settle_seconds: float, empty_settle_seconds: float = 0.0) -> None:
        if settle_seconds < 0:
            raise ValueError(f"settle_seconds must be zero or more; got {settle_seconds!r}.")
        self.settle_seconds = settle_seconds
        self.empty_settle_seconds = max(settle_seconds, empty_settle_seconds)
        self._seen: dict[Path, _Observation] = {}

    def observe(self, root: Path, path: Path, signature: Signature, now: float) -> float:
        """Record a sighting and return the clock time at which the candidate counts as settled."""
        current = self._seen.get(path)
        if current is None or current.signature != signature:
            current = _Observation(root, signature, now)
            self._seen[path] = current
        empty = all(size == 0 for _name, size, _mtime in signature)
        return current.since + (self.empty_settle_seconds if empty else self.settle_seconds)

    def restart(self, path: Path, now: float) -> None:
        """Start the wait again (the candidate changed while it was being hashed)."""
        current = self._seen.get(path)
        if current is not None:
            current.since = now

    def forget_unseen(self, root: Path, seen: Collection[Path]) -> None:
        """Drop candidates of ``root`` that a complete listing no longer contains."""
        seen_set = set(seen)
        for path in [p for p, obs in self._seen.items() if obs.root == root and p not in seen_set]:
            del self._seen[path]

    def __len__(self) -> int:
        return len(self._seen)
