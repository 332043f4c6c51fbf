"""Metadata values that vendors write for "not set": found in every parser's output and made missing.

Shimadzu's PACsolution writes an unset injection volume as a denormal float (``9.18356e-039``); other
software writes sentinels (``-1``, ``1e+300``) or words (``n/a``, ``---``). Kept as values, they would
fill a Benchling field with a number no instrument measured. What counts, conservatively:

- text that only says "not set" (``n/a``, ``n.a.``, ``-``, ``--``, ``---``, ``#N/A``, ``<none>``), in any
  field (not ``na``, which may be a name: sodium);
- in a field holding a volume, a time or a count (by its key: ``injection_volume``, ``run_time``,
  ``injection``...): a float so small no measurement has it (``0 < |x| < 1e-30``, subnormal floats
  included) or so large (``|x| >= 1e30``);
- a volume of zero or less, a negative time, a run time of zero, a negative count.

Each such value is removed (the key left empty), its text kept under ``<key>_raw`` so a mapping can
still use it, and a warning names the key and the value.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

from ingest.models import ParsedFile, Scalar

_NOT_SET_TEXT = frozenset({"n/a", "n.a.", "n.a", "-", "--", "---", "#n/a", "<none>", "(none)"})
_TINY = 1e-30
_HUGE = 1e30
_VOLUME_WORDS = frozenset({"volume"})
_TIME_WORDS = frozenset({"time", "duration", "runtime"})
# A shift or offset may be negative or zero: not "not set".
_SIGNED_WORDS = frozenset({"offset", "shift", "delta", "difference", "change"})
_COUNT_WORDS = frozenset({"injection", "count", "number", "replicate", "injections", "peaks"})


def screen_placeholders(parsed: ParsedFile, *, file: Path) -> ParsedFile:
    """``parsed`` with each placeholder metadata value removed, kept as raw text, and warned about."""
    metadata: dict[str, Scalar] = dict(parsed.metadata)
    warnings: list[str] = []
    for key, value in parsed.metadata.items():
        why = placeholder_reason(key, value)
        if why is None:
            continue
        raw = value if isinstance(value, str) else repr(value)
        raw_key = f"{key}_raw"
        metadata[key] = None
        metadata.setdefault(raw_key, raw)
        warnings.append(
            f"'{file}' gives {key} as {raw!r}, {why}; {key} is left empty (the text is kept as {raw_key})."
        )
    if not warnings:
        return parsed
    return dataclasses.replace(parsed, metadata=metadata, warnings=(*parsed.warnings, *warnings))


@lru_cache(maxsize=1024)  # a format's files repeat the same keys
def _kinds(key: str) -> tuple[bool, bool, bool, bool]:
    """Whether ``key`` names a volume, a time, a count, and a value that may be signed (by its words)."""
    words = set(key.lower().split("_"))
    return (
        bool(words & _VOLUME_WORDS),
        bool(words & _TIME_WORDS),
        bool(words & _COUNT_WORDS),
        bool(words & _SIGNED_WORDS),
    )


def placeholder_reason(key: str, value: Scalar) -> str | None:
    """Why ``value`` of metadata ``key`` stands for "not set" (a phrase), else None."""
    if isinstance(value, str):
        return (
            "which vendors write for a value that is not set"
            if value.strip().lower() in _NOT_SET_TEXT
            else None
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    volume, time, count, signed = _kinds(key)
    if not (volume or time or count) or signed or math.isnan(value):
        return None
    if value != 0 and abs(value) < _TINY:
        return "a near-zero (denormal) number that vendor software writes for a value that is not set"
    if abs(value) >= _HUGE:
        return "a sentinel number that vendor software writes for a value that is not set"
    if volume and value <= 0:
        return "and an injected volume cannot be zero or negative"
    if time and (value < 0 or (value == 0 and key.lower() == "run_time")):
        return "and a time cannot be negative (nor a run time zero)"
    if count and value < 0:
        return "and a count or number cannot be negative"
    return None
