"""Network-share detection (pure functions, fake mount tables)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.watch.shares import Mount, is_network_path, is_unc_path

posix_paths = pytest.mark.skipif(os.name == "nt", reason="the fake mount table uses POSIX paths")

MOUNTS = [
    Mount("/", "ext4", "rw"),
    Mount("/mnt/lab", "cifs", "rw,relatime"),
    Mount("/mnt/lab/local-cache", "ext4", "rw"),
    Mount("/srv/nfs", "nfs4", "rw"),
    Mount("/home/u/remote", "fuse.sshfs", "rw"),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/mnt/lab/LC1/exports", True),
        ("/mnt/lab", True),
        ("/mnt/lab/local-cache/x", False),  # the longest mount point wins
        ("/mnt/laboratory", False),  # a prefix of the name is not a parent folder
        ("/srv/nfs/a", True),
        ("/home/u/remote/a", True),
        ("/home/u/local", False),
    ],
)
@posix_paths
def test_network_share_detection_from_the_mount_table(path: str, expected: bool) -> None:
    assert is_network_path(Path(path), MOUNTS) is expected


@posix_paths
def test_a_windows_mapped_network_drive_is_flagged_remote_by_psutil() -> None:
    # psutil reports a mapped drive as opts "rw,remote" (fstype is often NTFS); this checks the options.
    mounts = [Mount("/", "ext4", "rw"), Mount("/z", "NTFS", "rw,remote")]
    assert is_network_path(Path("/z/exports"), mounts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\\\labserver\\exports\\LC1", True),
        ("//labserver/exports", True),
        ("\\\\?\\UNC\\labserver\\exports", True),
        ("\\\\?\\C:\\exports", False),
        ("C:\\exports", False),
        ("/mnt/lab", False),
    ],
)
def test_unc_paths_are_network_shares(text: str, expected: bool) -> None:
    assert is_unc_path(text) is expected


def test_the_real_mount_table_can_be_read(tmp_path: Path) -> None:
    # Whatever the machine, the answer for a fresh temporary folder is a plain bool and does not raise.
    assert isinstance(is_network_path(tmp_path), bool)
