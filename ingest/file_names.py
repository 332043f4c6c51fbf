"""File names as the operating system hands them over: which ones the pipeline can carry, how to show
any of them in one printable line, and how to make a name fit any file system the archive may be on
(the 255 limit; what a Windows share refuses: ``<>:"|?*\\``, device names, trailing dots and spaces).

On Linux a name is bytes; Python turns bytes that are not UTF-8 into lone surrogates (``\\udcff``), and
Windows can hold unpaired UTF-16 surrogates too. Such a string cannot be stored as text (SQLite,
PostgreSQL, JSON reports), so the watch stage refuses to hand it on and filing gives it a printable name.
A leaf module: it imports nothing from the project.
"""

from __future__ import annotations

import hashlib
import os
import sys
import unicodedata
from pathlib import PurePath

#: Longest file-name component most file systems accept: 255 bytes (ext4, XFS, tmpfs, APFS), 255
#: UTF-16 units (NTFS).
MAX_NAME_LENGTH = 255
#: What marks a shortened or renamed name: ``<stem>~<hash><suffix>``.
HASH_MARK = "~"
_HASH_CHARS = 10
#: Characters no Windows file name may hold (``/`` cannot reach a name on any system).
_WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')
#: Names Windows keeps for devices, with any extension (``NUL.csv`` is the device too).
_RESERVED_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"}
)


def is_text(name: str) -> bool:
    """True when ``name`` is valid Unicode text (no lone surrogates), i.e. it can be stored anywhere."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def path_is_text(path: PurePath) -> bool:
    """True when every part of ``path`` is valid text."""
    return all(is_text(part) for part in path.parts)


def raw_bytes(name: str) -> bytes:
    """The exact bytes the file system holds for ``name`` (UTF-16-LE on Windows)."""
    if sys.platform == "win32":
        return name.encode("utf-16-le", "surrogatepass")
    return os.fsencode(name)


def display(path: PurePath | str) -> str:
    """One printable line for logs, messages and reports: undecodable bytes as ``\\xNN`` (Windows'
    unpaired surrogates as ``\\udNNN``), control characters (a newline in a name) escaped too."""
    text = str(path)
    if not is_text(text):
        if sys.platform == "win32":
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        else:
            text = os.fsencode(text).decode("utf-8", "backslashreplace")
    if any(_is_control(ch) for ch in text):
        text = "".join(ch.encode("unicode_escape").decode("ascii") if _is_control(ch) else ch for ch in text)
    return text


def name_length(name: str) -> int:
    """How much of the file system's per-name limit ``name`` uses (bytes, or UTF-16 units on Windows)."""
    return len(raw_bytes(name)) // 2 if sys.platform == "win32" else len(raw_bytes(name))


def safe_name(name: str, *, reserve: int = 0, limit: int = MAX_NAME_LENGTH) -> str:
    """``name`` itself when it is printable text a Windows share can hold that fits in ``limit - reserve``;
    otherwise a name that does: characters that are not text, control characters and characters Windows
    refuses become ``_`` (as do trailing dots and spaces; a device name like ``NUL.csv`` gets one), the
    stem is cut to fit, and ``~<hash of the original bytes>`` keeps different originals apart. The suffix
    (``.csv``, ``.D``) is kept when it is short and printable."""
    budget = limit - reserve
    if budget < _HASH_CHARS + 8:
        raise ValueError(f"No room for a file name in {budget} units (limit {limit}, reserve {reserve}).")
    printable = _printable(name)
    if printable == name and name_length(name) <= budget:
        return name
    stem, suffix = _split_suffix(printable)
    mark = HASH_MARK + hashlib.sha256(raw_bytes(name)).hexdigest()[:_HASH_CHARS]
    room = budget - name_length(mark + suffix)
    return _cut(stem, room) + mark + suffix


def safe_relative(relative: PurePath, *, reserve: int = 0) -> PurePath:
    """``relative`` with every part made safe (the last one keeping ``reserve`` units free)."""
    parts = relative.parts
    if not parts:
        return relative
    safe = [safe_name(part) for part in parts[:-1]] + [safe_name(parts[-1], reserve=reserve)]
    return PurePath(*safe)


def _printable(name: str) -> str:
    """``name`` with what a Windows share cannot hold made ``_``: characters that are not text, control
    characters, ``<>:"/\\|?*``, trailing dots and spaces; a reserved device name (``CON``, ``NUL.csv``,
    ``com1.txt``) gets a ``_`` after its device part."""
    fitted = "".join("_" if _unfit(ch) else ch for ch in name)
    kept = fitted.rstrip(". ")
    fitted = kept + "_" * (len(fitted) - len(kept))
    device, dot, rest = fitted.partition(".")
    if device.rstrip(" ").upper() in _RESERVED_DEVICE_NAMES:
        fitted = device + "_" + dot + rest
    return fitted


def _unfit(ch: str) -> bool:
    return _is_surrogate(ch) or _is_control(ch) or ch in _WINDOWS_FORBIDDEN


def _split_suffix(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    if dot <= 0 or len(name) - dot > 12:
        return name, ""
    return name[:dot], name[dot:]


def _cut(stem: str, room: int) -> str:
    cut = stem
    while cut and name_length(cut) > room:
        cut = cut[:-1]
    # A combining mark left without its base character would attach to the hash mark.
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"
