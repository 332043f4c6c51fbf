"""This process's side of row claims: which rows its threads hold, and which it has claimed for a
thread that has not taken them yet.

A row is worked on by one thread at a time. ``claim_due`` claims several pending rows at once and
*reserves* them; the first ``take`` of a reserved row hands it to that thread. A backend adds what
other processes must see (SQLite: nothing, one process uses it; PostgreSQL: ``claimed_by`` and a
lease in the row).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable


class LocalClaims:
    """Thread-safe bookkeeping of held and reserved row ids (no I/O)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[int] = set()
        self._reserved: set[int] = set()

    def take(self, file_id: int) -> bool | None:
        """Mark the row held by the calling thread: True when it had been reserved (already claimed
        for this process), None when it is new to this process, False when another thread holds it."""
        with self._lock:
            if file_id in self._held:
                return False
            self._held.add(file_id)
            if file_id in self._reserved:
                self._reserved.discard(file_id)
                return True
            return None

    def reserve(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._reserved.update(i for i in ids if i not in self._held)

    def unclaimed(self, ids: Iterable[int]) -> list[int]:
        """The ids neither held nor reserved here."""
        with self._lock:
            return [i for i in ids if i not in self._held and i not in self._reserved]

    def drop(self, file_id: int) -> None:
        with self._lock:
            self._held.discard(file_id)
            self._reserved.discard(file_id)

    def owns(self, file_id: int) -> bool:
        with self._lock:
            return file_id in self._held or file_id in self._reserved

    def all(self) -> list[int]:
        with self._lock:
            return sorted(self._held | self._reserved)

    def clear(self) -> list[int]:
        with self._lock:
            ids = sorted(self._held | self._reserved)
            self._held.clear()
            self._reserved.clear()
            return ids
