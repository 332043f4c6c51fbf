"""Bulk-gets by id (or barcode, registry id, display id) that are right whatever Benchling answers for
keys that do not exist.

Benchling does not document that answer, and tenants may differ, so every form is understood:

* an error (400 or 404) listing the unknown keys (``invalidIds``, inside ``error`` or next to it): they are
  missing, the call is repeated without them;
* an error naming one unknown key (``error.invalidId``): it is missing, the call is repeated without it.
  Each round removes a key, so a chunk of n keys takes at most n + 1 calls; k unknown keys take k + 1,
  which no other strategy beats when each refusal reveals one key;
* an error naming no key (a plain 400/404): the list is split in halves until each failing part is a
  single key, which is then missing (a bisection, never one request per key). When both halves of a
  failed list are found whole, the list was simply too long: the chunk size is lowered for later calls;
* a 200 with fewer items than asked: the absent keys are missing.

An error naming a key that was not asked for (e.g. an unknown registry) is raised as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ingest.errors import BenchlingRejectedError

T = TypeVar("T")


@dataclass(frozen=True)
class Lookup(Generic[T]):
    """What a lookup found (key → item, in the order asked) and which keys do not exist."""

    found: dict[str, T] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


class ChunkSize:
    """The largest key list per call; lowered (never raised) when Benchling refuses a long list."""

    def __init__(self, initial: int) -> None:
        if initial < 1:
            raise ValueError(f"A chunk size must be at least 1, got {initial}.")
        self._value = initial
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        with self._lock:
            return self._value

    def lower_to(self, size: int) -> None:
        with self._lock:
            self._value = max(1, min(self._value, size))


def named_keys(exc: BenchlingRejectedError) -> list[str]:
    """The keys an error names as unknown: ``invalidIds`` (inside or next to ``error``) or ``invalidId``."""
    listed = exc.context.get("invalidIds")
    if isinstance(listed, list):
        return [str(k) for k in listed]
    single = exc.context.get("invalidId")
    return [single] if isinstance(single, str) and single else []


class KeyLookup(Generic[T]):
    """Looks keys up through ``fetch`` (one bulk-get of a key list, returning the items it found).

    ``key_of`` gives an item's key (its id, barcode, registry id…). ``on_unnamed_404`` runs once before a
    plain 404 is bisected, so a caller can first check that the container of the keys (a registry)
    exists and raise if not.
    """

    def __init__(
        self,
        fetch: Callable[[list[str]], Sequence[T]],
        key_of: Callable[[T], str | None],
        chunk: ChunkSize,
        *,
        on_unnamed_404: Callable[[], None] | None = None,
    ) -> None:
        self._fetch = fetch
        self._key_of = key_of
        self._chunk = chunk
        self._on_unnamed_404 = on_unnamed_404
        self._checked_404 = False

    def run(self, keys: Sequence[str]) -> Lookup[T]:
        wanted = list(dict.fromkeys(k for k in keys if k))
        found: dict[str, T] = {}
        missing: list[str] = []
        start = 0
        while start < len(wanted):
            size = self._chunk.value
            chunk = wanted[start : start + size]
            start += len(chunk)
            self._resolve(chunk, found, missing)
        ordered = {k: found[k] for k in wanted if k in found}
        unknown = set(missing)
        return Lookup(ordered, tuple(k for k in wanted if k in unknown))

    def _resolve(self, keys: list[str], found: dict[str, T], missing: list[str]) -> None:
        pending = list(keys)
        while pending:
            try:
                items = self._fetch(pending)
            except BenchlingRejectedError as exc:
                if exc.status not in (400, 404):
                    raise
                asked = set(pending)
                named = named_keys(exc)
                unknown = [k for k in dict.fromkeys(named) if k in asked]
                if unknown:
                    # Every round removes at least one key: the loop ends within len(keys) + 1 calls.
                    missing.extend(unknown)
                    pending = [k for k in pending if k not in set(unknown)]
                    continue
                if named:
                    raise  # it names something else than our keys (e.g. the registry)
                if len(pending) == 1:
                    missing.append(pending[0])
                    return
                if exc.status == 404 and self._on_unnamed_404 is not None and not self._checked_404:
                    self._checked_404 = True
                    self._on_unnamed_404()
                self._bisect(pending, found, missing)
                return
            asked = set(pending)
            for item in items:
                key = self._key_of(item)
                if key is not None and key in asked:
                    found[key] = item
            missing.extend(k for k in pending if k not in found)
            return

    def _bisect(self, keys: list[str], found: dict[str, T], missing: list[str]) -> None:
        middle = len(keys) // 2
        halves = (keys[:middle], keys[middle:])
        missing_before = len(missing)
        for half in halves:
            self._resolve(half, found, missing)
        if len(missing) == missing_before:
            # Every key exists, yet the whole list was refused: it was longer than Benchling takes.
            self._chunk.lower_to(max(len(h) for h in halves))
