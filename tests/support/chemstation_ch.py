"""Writing a small Agilent ChemStation ``.ch`` signal file, for tests that need one they can reason about.

``.ch`` files are binary; rather than keep an opaque one in the repository, tests write one with known
points. The layout is the uncompressed "179" version as rainbow-api's documentation describes it (all
offsets from the start of the file):

- ``0x000``: the version as a length-prefixed ASCII string (``03 '179'``);
- ``0x11A``, ``0x11E``: the first and last retention times in milliseconds, big-endian float32;
- ``0x35A`` sample name, ``0x957`` date, ``0xA0E`` method, ``0xC11`` instrument, ``0x104C`` unit,
  ``0x1075`` signal description: each a one-byte character count followed by UTF-16LE text;
- ``0x127C``: the factor applied to every stored value, big-endian float64;
- ``0x1800`` to the end: one little-endian float64 per point; the point count is implied by the size.

Times are evenly spaced between the first and the last.

:func:`write_compressed_ch_file` writes the "181" layout GC flame-ionisation channels use: no signal
description, and from ``0x1800`` big-endian second differences of whole numbers (``0x7FFF`` followed by
a 48-bit absolute value restarts them), so the point count cannot be told from the file size.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from pathlib import Path

_VERSION = 0x000
_TIME_RANGE = 0x11A
_STRINGS = {
    "sample": 0x35A,
    "date": 0x957,
    "method": 0xA0E,
    "instrument": 0xC11,
    "unit": 0x104C,
    "signal": 0x1075,
}
_SCALE = 0x127C
_DATA = 0x1800


def write_ch_file(
    path: Path,
    signal: Sequence[float],
    *,
    start_min: float,
    end_min: float,
    description: str,
    unit: str = "mAU",
    scale: float = 1.0,
    sample: str = "",
    date: str = "",
    method: str = "",
    instrument: str = "",
) -> Path:
    """Write ``signal`` (stored values; each reads back multiplied by ``scale``) as a "179" ``.ch`` file."""
    if len(signal) < 2:
        raise ValueError("a .ch trace needs at least two points")
    header = bytearray(_DATA)
    version = b"179"
    header[_VERSION : _VERSION + 1 + len(version)] = bytes([len(version)]) + version
    header[_TIME_RANGE : _TIME_RANGE + 8] = struct.pack(">ff", start_min * 60_000, end_min * 60_000)
    texts = {
        "sample": sample,
        "date": date,
        "method": method,
        "instrument": instrument,
        "unit": unit,
        "signal": description,
    }
    for key, text in texts.items():
        encoded = text.encode("utf-16-le")
        offset = _STRINGS[key]
        header[offset : offset + 1 + len(encoded)] = bytes([len(text)]) + encoded
    header[_SCALE : _SCALE + 8] = struct.pack(">d", scale)
    path.write_bytes(bytes(header) + struct.pack(f"<{len(signal)}d", *signal))
    return path


def write_compressed_ch_file(
    path: Path,
    counts: Sequence[int],
    *,
    start_min: float,
    end_min: float,
    unit: str = "pA",
    scale: float = 1.0,
) -> Path:
    """Write whole-number ``counts`` (each reads back multiplied by ``scale``) as a "181" ``.ch`` file."""
    if len(counts) < 2:
        raise ValueError("a .ch trace needs at least two points")
    header = bytearray(_DATA)
    version = b"181"
    header[_VERSION : _VERSION + 1 + len(version)] = bytes([len(version)]) + version
    header[_TIME_RANGE : _TIME_RANGE + 8] = struct.pack(">ff", start_min * 60_000, end_min * 60_000)
    encoded = unit.encode("utf-16-le")
    header[_STRINGS["unit"] : _STRINGS["unit"] + 1 + len(encoded)] = bytes([len(unit)]) + encoded
    header[_SCALE : _SCALE + 8] = struct.pack(">d", scale)
    body = bytearray(struct.pack(">hhi", 0x7FFF, counts[0] >> 32, counts[0] & 0xFFFFFFFF))
    previous_step = 0
    for before, value in itertools.pairwise(counts):
        step = value - before
        second = step - previous_step
        if not -0x8000 <= second < 0x7FFF:
            raise ValueError(f"second difference {second} does not fit the compressed layout")
        body += struct.pack(">h", second)
        previous_step = step
    path.write_bytes(bytes(header) + bytes(body))
    return path
