"""A small file's bytes, read once per registry call: handed from the registry's sniff to the parser's read.

The registry reads the first 64 KiB of a file to choose its parser. When that read reached the end of the
file, it hands those bytes to the parser for that one call (a context variable, set around the parser's
call and reset after it, so other threads and later calls never see them): the parser's shared reader
(:func:`parsers._common.decoding.read_text`) takes them instead of reading the file a second time. The
parse then sees exactly the bytes its parser was chosen by. Nothing is kept between calls: a file
rewritten after one call is read again by the next.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from pathlib import Path

_HANDED: ContextVar[tuple[Path, bytes] | None] = ContextVar("parsers_handed_bytes", default=None)

HandedToken = Token[tuple[Path, bytes] | None]


def hand_over(path: Path, data: bytes) -> HandedToken:
    """Make ``data`` (all of ``path``, as just read) what :func:`file_bytes` gives for ``path`` until
    :func:`take_back` is called with the token returned."""
    return _HANDED.set((path, data))


def take_back(token: HandedToken) -> None:
    """End the hand-over that returned ``token``."""
    _HANDED.reset(token)


def file_bytes(path: Path) -> bytes:
    """The bytes of ``path``: those handed over for it in this call, else read from the file (OSError
    as ``Path.read_bytes`` raises it)."""
    handed = _HANDED.get()
    if handed is not None and (handed[0] is path or handed[0] == path):
        return handed[1]
    return path.read_bytes()
