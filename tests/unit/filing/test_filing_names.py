"""Filing names that push the limits: names near 255 bytes (numbered, with ``.error.json``, across
volumes), names that are not text, and symbolic links, which are moved as links."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.file_names import MAX_NAME_LENGTH, is_text, name_length
from ingest.filing import archive, error_report_path, quarantine, restore
from ingest.watch import describe_path
from tests.support.watch_fakes import write

NOW = datetime(2024, 3, 7, 14, 30, tzinfo=UTC)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="byte names and symlinks as a user: POSIX")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "watched"
    path.mkdir()
    return path


def long_name(length: int, suffix: str = ".csv") -> str:
    return "L" * (length - len(suffix)) + suffix


def report_of(target: Path) -> dict[str, object]:
    loaded = json.loads(error_report_path(target).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_a_250_byte_name_is_quarantined_under_a_shortened_name_with_its_report(
    root: Path, tmp_path: Path
) -> None:
    name = long_name(250)
    path = write(root / "LC1" / name, b"bad")
    target = quarantine(path, root, tmp_path / "failed", error={"reason": "no parser"}, now=NOW)
    report_path = error_report_path(target)
    assert report_path.is_file() and target.read_bytes() == b"bad"
    assert name_length(report_path.name) <= MAX_NAME_LENGTH
    assert target.suffix == ".csv" and "~" in target.name
    report = report_of(target)
    assert report["file"] == f"LC1/{name}"
    assert report["original_name"] == name
    assert report["quarantined_as"] == target.name
    assert restore(target, tmp_path / "failed", root) == path, "restore brings back the original name"
    assert path.read_bytes() == b"bad"


def test_a_name_that_fits_is_quarantined_unchanged(root: Path, tmp_path: Path) -> None:
    target = quarantine(write(root / "run1.csv", b"x"), root, tmp_path / "failed", error={}, now=NOW)
    assert target.name == "run1.csv"
    assert "original_name" not in report_of(target)


def test_numbered_archive_names_near_the_limit_are_shortened_and_kept_apart(
    root: Path, tmp_path: Path
) -> None:
    name = long_name(253)
    targets = [
        archive(write(root / name, content), root, tmp_path / "archive", now=NOW)
        for content in (b"first", b"second", b"third")
    ]
    assert targets[0].name == name, "the first keeps its name: it fits"
    assert len({t.name for t in targets}) == 3
    assert all(name_length(t.name) <= MAX_NAME_LENGTH for t in targets)
    assert [t.read_bytes() for t in targets] == [b"first", b"second", b"third"]


def test_quarantine_conflicts_of_long_names_each_get_a_report(root: Path, tmp_path: Path) -> None:
    name = long_name(248)
    failed = tmp_path / "failed"
    first = quarantine(write(root / name, b"1"), root, failed, error={"reason": "one"}, now=NOW)
    second = quarantine(write(root / name, b"2"), root, failed, error={"reason": "two"}, now=NOW)
    assert first != second
    assert report_of(first)["reason"] == "one" and report_of(second)["reason"] == "two"


def test_calling_quarantine_again_after_a_crash_finds_the_shortened_target(
    root: Path, tmp_path: Path
) -> None:
    name = long_name(250)
    failed = tmp_path / "failed"
    path = write(root / name, b"bad")
    source = describe_path(path)
    target = quarantine(source, root, failed, error={"reason": "x"}, now=NOW)
    error_report_path(target).unlink()  # as if killed after the move, before the report
    assert quarantine(source, root, failed, error={"reason": "x"}, now=NOW) == target
    assert error_report_path(target).is_file()


@pytest.fixture
def other_volume(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system (/dev/shm) to move across")
    with tempfile.TemporaryDirectory(dir=shm) as name:
        yield Path(name)


def test_a_255_byte_name_crosses_volumes_although_its_partial_copy_name_would_not_fit(
    root: Path, other_volume: Path
) -> None:
    name = long_name(255)
    target = archive(write(root / name, b"data"), root, other_volume, now=NOW)
    assert target.name == name and target.read_bytes() == b"data"
    assert not [p for p in other_volume.rglob("*") if "partial" in p.name]


@posix_only
def test_a_name_that_is_not_text_is_quarantined_printably_with_its_bytes_in_the_report(
    root: Path, tmp_path: Path
) -> None:
    path = write(root / "LC1" / os.fsdecode(b"run\xff\xfe.csv"), b"content")
    failed = tmp_path / "failed"
    target = quarantine(
        path, root, failed, error={"stage": "watch", "reason": "name"}, now=NOW, read_content=False
    )
    assert is_text(target.name) and target.name.isprintable()
    assert target.name.startswith("run__~") and target.suffix == ".csv"
    report = report_of(target)
    assert report["original_name"] == "run\\xff\\xfe.csv"
    assert report["original_name_hex"] == b"run\xff\xfe.csv".hex()
    assert report["file"] == f"LC1/{target.name}"
    assert report["sha256"] is None
    # Restoring brings it back under the printable name, which the watcher can then take.
    restored = restore(target, failed, root)
    assert restored == root / "LC1" / target.name and restored.read_bytes() == b"content"


@posix_only
def test_a_link_is_quarantined_as_the_link_and_what_it_points_to_is_left_alone(
    root: Path, tmp_path: Path
) -> None:
    outside = write(tmp_path / "elsewhere" / "data.csv", b"someone else's")
    before = outside.stat().st_mtime_ns
    (root / "link.csv").symlink_to(outside)
    target = quarantine(root / "link.csv", root, tmp_path / "failed", error={}, now=NOW, read_content=False)
    assert target.is_symlink() and Path(os.readlink(target)) == outside
    assert not os.path.lexists(root / "link.csv")
    assert outside.read_bytes() == b"someone else's" and outside.stat().st_mtime_ns == before


@posix_only
def test_a_dangling_link_is_quarantined_too(root: Path, tmp_path: Path) -> None:
    (root / "gone.csv").symlink_to(tmp_path / "never-existed.csv")
    target = quarantine(root / "gone.csv", root, tmp_path / "failed", error={}, now=NOW, read_content=False)
    assert target.is_symlink() and not target.exists()


@posix_only
def test_a_link_crossing_volumes_is_copied_as_a_link(root: Path, tmp_path: Path, other_volume: Path) -> None:
    outside = write(tmp_path / "big.bin", b"not to be copied")
    (root / "link.csv").symlink_to(outside)
    target = quarantine(root / "link.csv", root, other_volume, error={}, now=NOW, read_content=False)
    assert target.is_symlink() and Path(os.readlink(target)) == outside
    assert not os.path.lexists(root / "link.csv")


@posix_only
def test_names_a_windows_share_refuses_are_archived_and_quarantined_fit(root: Path, tmp_path: Path) -> None:
    archived = archive(write(root / "LC1" / 'win<>:"|?*.csv', b"ok"), root, tmp_path / "archive", now=NOW)
    assert archived.name.startswith("win_______~") and archived.read_bytes() == b"ok"
    device = archive(write(root / "LC1" / "NUL.csv", b"ok"), root, tmp_path / "archive", now=NOW)
    assert device.name.startswith("NUL_~") and device.suffix == ".csv"
    path = write(root / "LC1" / "endsdot.csv.", b"bad")
    target = quarantine(path, root, tmp_path / "failed", error={"reason": "no parser"}, now=NOW)
    assert target.name.startswith("endsdot~") and target.name.endswith(".csv_")
    report = report_of(target)
    assert (report["file"], report["original_name"]) == ("LC1/endsdot.csv.", "endsdot.csv.")
    assert restore(target, tmp_path / "failed", root) == path, "restore brings back the original name"
