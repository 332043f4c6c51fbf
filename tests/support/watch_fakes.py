"""Test doubles for the watcher's unit tests: a hand-stepped clock and a file writer with fresh mtimes."""

from __future__ import annotations

import itertools
import os
from pathlib import Path


class FakeClock:
    """A clock (monotonic or wall) that only moves, or steps, when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_next_mtime_ns = itertools.count(1_700_000_000_000_000_000, 1_000_000_000)


def write(path: Path, data: bytes, *, append: bool = False) -> Path:
    """Write (or append) bytes and give the file a fresh, strictly increasing mtime.

    Real file systems can leave mtime unchanged between two quick writes (coarse timestamps); the
    explicit mtime makes every write a visible change, as it is on an instrument PC over seconds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab" if append else "wb") as stream:
        stream.write(data)
    mtime_ns = next(_next_mtime_ns)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path
