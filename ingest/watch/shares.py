"""Is a folder on a network share? Network shares deliver no file-system events, so they are polled.

watchdog never chooses ``PollingObserver`` by itself (watchdog #668); we do, per root: a UNC path on
Windows (``\\\\server\\share``), or a mount whose file-system type is a network one (``psutil``
reports ``cifs``/``nfs4``/``fuse.sshfs`` on Linux, ``smbfs``/``nfs`` on macOS, ``remote`` in the
options of a mapped drive on Windows).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

NETWORK_FSTYPES = frozenset(
    {
        "9p",
        "afpfs",
        "cifs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.sshfs",
        "ncpfs",
        "nfs",
        "nfs3",
        "nfs4",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "webdav",
    }
)


@dataclass(frozen=True)
class Mount:
    """One mounted file system, as far as share detection cares (psutil's ``sdiskpart`` fits)."""

    mountpoint: str
    fstype: str
    opts: str = ""


def is_unc_path(path: Path | str) -> bool:
    """True for ``\\\\server\\share\\...`` and ``\\\\?\\UNC\\server\\share\\...`` paths."""
    text = str(path).replace("/", "\\").lower()
    if text.startswith("\\\\?\\unc\\"):
        return True
    # "\\?\C:\..." and "\\.\device" are local long-path and device forms, not shares.
    return text.startswith("\\\\") and not text.startswith(("\\\\?\\", "\\\\.\\"))


def is_network_path(path: Path, mounts: Sequence[Mount] | None = None) -> bool:
    """True when ``path`` lives on a network share. ``mounts`` defaults to psutil's list of partitions."""
    if is_unc_path(path):
        return True
    if mounts is None:
        mounts = _system_mounts()
    mount = _mount_of(path, mounts)
    if mount is None:
        return False
    options = {option.strip().lower() for option in mount.opts.split(",")}
    return mount.fstype.lower() in NETWORK_FSTYPES or "remote" in options


def _mount_of(path: Path, mounts: Sequence[Mount]) -> Mount | None:
    try:
        target = os.path.normcase(os.path.realpath(path))
    except OSError:
        target = os.path.normcase(os.path.abspath(path))
    best: Mount | None = None
    best_length = -1
    for mount in mounts:
        point = os.path.normcase(mount.mountpoint)
        if not point:
            continue
        inside = target == point.rstrip(os.sep) or target.startswith(point.rstrip(os.sep) + os.sep)
        if (inside or point == os.sep) and len(point) > best_length:
            best, best_length = mount, len(point)
    return best


def _system_mounts() -> list[Mount]:
    try:
        import psutil  # type: ignore[import-untyped]  # psutil ships no type hints
    except ImportError:
        log.warning("psutil is not installed; cannot tell whether watched folders are network shares.")
        return []
    try:
        partitions = psutil.disk_partitions(all=True)
    except OSError as exc:
        log.warning("Cannot list mounted file systems to detect network shares: %s", exc)
        return []
    return [Mount(p.mountpoint, p.fstype, p.opts) for p in partitions]
