"""The ledger's disk full for a while under a running ``watch`` (the real CLI, the ledger on a small tmpfs
this test mounts): files dropped meanwhile are held back, the service keeps running, and once space is
freed every file is ingested exactly once, with no restart and nothing quarantined.

Mounting needs root on Linux; elsewhere the test is skipped with the reason, except under CI=true, where
it must run (CI runs as root). ``test_service_local_faults`` covers the same through an injected fault.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from integration.service.service_rig import ServiceRig, samples, write_lc_export

from ingest.sandbox import SandboxServer

FULL_MESSAGE = "database or disk is full"


class LedgerOnSmallDisk(ServiceRig):
    """The rig with its ledger on its own small file system (work files stay on the big one)."""

    @property
    def ledger_path(self) -> Path:
        return self.base / "ledger-disk" / "ledger.sqlite"


@pytest.fixture
def small_disk_rig(sandbox: SandboxServer, tmp_path: Path) -> Iterator[LedgerOnSmallDisk]:
    rig = LedgerOnSmallDisk(sandbox, tmp_path)
    with small_tmpfs(rig.ledger_path.parent, "4m"):
        yield rig


@contextmanager
def small_tmpfs(mount_point: Path, size: str) -> Iterator[None]:
    reason = None
    if not sys.platform.startswith("linux"):
        reason = "a tmpfs is a Linux file system"
    elif os.geteuid() != 0:
        reason = "mounting a tmpfs needs root"
    else:
        mount_point.mkdir(parents=True)
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if mounted.returncode != 0:
            reason = f"could not mount a tmpfs: {mounted.stderr.strip() or mounted.returncode}"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the disk-full test, not skip it")
        pytest.skip(reason)
    try:
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Write a file until the file system has no space left; return it (delete it to free the space)."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 65536
    with filler.open("wb") as stream:
        try:
            while True:
                stream.write(chunk)
                stream.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def test_files_dropped_while_the_ledgers_disk_is_full_are_ingested_once_space_is_freed(
    small_disk_rig: LedgerOnSmallDisk,
) -> None:
    rig = small_disk_rig
    with rig.start_watch() as watch:
        watch.wait_watching()
        filler = fill(rig.ledger_path.parent)
        exports = [
            write_lc_export(rig.inbox, f"while-full-{n}", samples(n + 1), tag=f"-full{n}") for n in range(3)
        ]
        watch.wait_for(
            lambda: watch.log().count(FULL_MESSAGE) >= 2 * len(exports),
            "every file to fail to be recorded at least twice (offered again while the disk is full)",
            timeout=60,
        )
        assert rig.runs_by_sha() == {}, "nothing may reach Benchling before its ledger row exists"
        filler.unlink()
        watch.wait_settled(len(exports), timeout=90)
        assert watch.stop() == 0, watch.log()

    rows = rig.rows()
    assert [r.state for r in rows] == ["done"] * len(exports), rig.describe()
    assert not rig.failed.exists() or not any(rig.failed.rglob("*")), "nothing may be quarantined"
    runs = rig.runs_by_sha()
    for record, (_, n_rows) in zip(sorted(rows, key=lambda r: r.path.name), sorted(exports), strict=True):
        [run] = runs[record.sha256]
        assert len(rig.sandbox.store.results(run["id"])) == n_rows
    assert len(runs) == len(exports)
