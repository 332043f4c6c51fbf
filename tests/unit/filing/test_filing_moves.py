"""archive / quarantine / restore: layout, name conflicts, crash safety and cross-volume moves."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.filing.moves import archive, error_report_path, quarantine, restore
from ingest.hashing import hash_unit
from ingest.models import SourceFile
from tests.support.watch_fakes import write

NOW = datetime(2024, 3, 7, 14, 30, tzinfo=UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "watched"
    path.mkdir()
    return path


def source_file(path: Path) -> SourceFile:
    members = tuple(sorted(p for p in path.rglob("*") if p.is_file())) if path.is_dir() else (path,)
    stat_sizes = sum(m.stat().st_size for m in members)
    newest = max(m.stat().st_mtime_ns for m in members)
    return SourceFile(path, hash_unit(path, members), stat_sizes, newest, members)


# -- archive ----------------------------------------------------------------------------------------------


def test_archive_files_by_date_and_relative_path(root: Path, tmp_path: Path) -> None:
    path = write(root / "LC1" / "run1.csv", b"data")
    target = archive(path, root, tmp_path / "archive", now=NOW)
    assert target == tmp_path / "archive" / "2024" / "03" / "07" / "LC1" / "run1.csv"
    assert target.read_bytes() == b"data"
    assert not path.exists()


def test_archive_never_overwrites_a_name_taken_earlier(root: Path, tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    targets = []
    for content in (b"first", b"second", b"third"):
        path = write(root / "run1.csv", content)
        targets.append(archive(path, root, archive_dir, now=NOW))
    day = archive_dir / "2024" / "03" / "07"
    assert targets == [day / "run1.csv", day / "run1 (1).csv", day / "run1 (2).csv"]
    assert [t.read_bytes() for t in targets] == [b"first", b"second", b"third"]


def test_archive_moves_a_unit_folder_whole_and_renames_on_conflict(root: Path, tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    write(root / "RUN1.D" / "a.ch", b"one")
    first = archive(source_file(root / "RUN1.D"), root, archive_dir, now=NOW)
    write(root / "RUN1.D" / "a.ch", b"two")
    write(root / "RUN1.D" / "sub" / "b.txt", b"b")
    second = archive(source_file(root / "RUN1.D"), root, archive_dir, now=NOW)
    assert first.name == "RUN1.D"
    assert second.name == "RUN1 (1).D"
    assert (first / "a.ch").read_bytes() == b"one"
    assert (second / "sub" / "b.txt").read_bytes() == b"b"
    assert not (root / "RUN1.D").exists()


def test_archive_called_again_after_the_move_returns_the_target(root: Path, tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    write(archive_dir / "2024" / "03" / "07" / "run1.csv", b"an older, different file")
    path = write(root / "run1.csv", b"this run")
    source = source_file(path)
    first = archive(source, root, archive_dir, now=NOW)
    assert first.name == "run1 (1).csv"
    # A crash after the move but before the ledger noted it: the pipeline simply calls again.
    assert archive(source, root, archive_dir, now=NOW) == first
    assert archive(path, root, archive_dir, now=NOW) == first


def test_archive_of_a_missing_file_that_was_never_moved_says_so(root: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        archive(root / "ghost.csv", root, tmp_path / "archive", now=NOW)


def test_archive_refuses_a_path_outside_the_root(root: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere.csv", b"x")
    with pytest.raises(ValueError, match="not inside the watched folder"):
        archive(outside, root, tmp_path / "archive", now=NOW)
    assert outside.exists()


@pytest.fixture
def other_volume(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system (/dev/shm) to move across")
    with tempfile.TemporaryDirectory(dir=shm) as name:
        yield Path(name)


def test_archive_across_volumes_moves_files_and_units(root: Path, other_volume: Path) -> None:
    path = write(root / "run1.csv", b"data")
    write(root / "RUN1.D" / "sub" / "a.ch", b"unit")
    file_target = archive(path, root, other_volume, now=NOW)
    unit_target = archive(root / "RUN1.D", root, other_volume, now=NOW)
    assert file_target.read_bytes() == b"data"
    assert (unit_target / "sub" / "a.ch").read_bytes() == b"unit"
    assert not path.exists() and not (root / "RUN1.D").exists()
    assert not list(other_volume.rglob("*.partial"))


def test_archive_across_volumes_replaces_a_crashed_partial_copy(root: Path, other_volume: Path) -> None:
    path = write(root / "run1.csv", b"the complete content")
    day = other_volume / "2024" / "03" / "07"
    write(day / ".run1.csv.partial", b"the comp")  # the copy was cut short; the source is intact
    target = archive(path, root, other_volume, now=NOW)
    assert target == day / "run1.csv"
    assert target.read_bytes() == b"the complete content"
    assert not (day / ".run1.csv.partial").exists()


# -- quarantine -------------------------------------------------------------------------------------------


def parse_error_dict() -> dict[str, object]:
    return ParseError("Unable to find column 'RT' in 'run1.csv'.", file="run1.csv", line=3).to_dict()


def test_quarantine_moves_the_file_and_writes_its_report(root: Path, tmp_path: Path) -> None:
    path = write(root / "LC1" / "run1.csv", b"bad data")
    failed = tmp_path / "failed"
    target = quarantine(path, root, failed, error=parse_error_dict(), now=NOW)
    assert target == failed / "LC1" / "run1.csv"
    assert target.read_bytes() == b"bad data"
    report = json.loads(error_report_path(target).read_text(encoding="utf-8"))
    assert report == {
        "file": "LC1/run1.csv",
        "stage": "parse",
        "reason": "Unable to find column 'RT' in 'run1.csv'.",
        "details": {"file": "run1.csv", "line": 3, "column": None},
        "time": "2024-03-07T14:30:00+00:00",
        "sha256": hashlib.sha256(b"bad data").hexdigest(),
    }
    assert sorted(p.name for p in target.parent.iterdir()) == ["run1.csv", "run1.csv.error.json"]


def test_quarantine_conflicts_get_their_own_report(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    first = quarantine(write(root / "run1.csv", b"1"), root, failed, error={"reason": "one"}, now=NOW)
    second = quarantine(write(root / "run1.csv", b"2"), root, failed, error={"reason": "two"}, now=NOW)
    assert second == failed / "run1 (1).csv"
    assert json.loads(error_report_path(first).read_text(encoding="utf-8"))["reason"] == "one"
    assert json.loads(error_report_path(second).read_text(encoding="utf-8"))["reason"] == "two"


def test_quarantine_after_a_crash_before_the_report_writes_it(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    path = write(root / "run1.csv", b"bad")
    source = source_file(path)
    write(failed / "run1.csv", b"bad")  # moved, then the process died before writing the report
    path.unlink()
    target = quarantine(source, root, failed, error={"stage": "resolve", "reason": "no schema"}, now=NOW)
    assert target == failed / "run1.csv"
    assert json.loads(error_report_path(target).read_text(encoding="utf-8"))["stage"] == "resolve"


def test_quarantine_a_unit_reports_beside_the_folder(root: Path, tmp_path: Path) -> None:
    write(root / "RUN1.D" / "a.ch", b"x")
    target = quarantine(source_file(root / "RUN1.D"), root, tmp_path / "failed", error={}, now=NOW)
    assert target.is_dir()
    assert (target.parent / "RUN1.D.error.json").is_file()


# -- restore ----------------------------------------------------------------------------------------------


def test_restore_puts_the_file_back_and_removes_the_report(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    path = write(root / "LC1" / "run1.csv", b"retry me")
    old_mtime = path.stat().st_mtime_ns
    quarantined = quarantine(path, root, failed, error={"reason": "x"}, now=NOW)
    restored = restore(quarantined, failed, root)
    assert restored == path
    assert restored.read_bytes() == b"retry me"
    assert restored.stat().st_mtime_ns != old_mtime, "a running watcher must see a new version"
    assert not quarantined.exists()
    assert not error_report_path(quarantined).exists()


def test_restore_of_a_conflict_renamed_file_uses_its_original_name(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    quarantine(write(root / "run1.csv", b"1"), root, failed, error={}, now=NOW)
    second = quarantine(write(root / "run1.csv", b"2"), root, failed, error={}, now=NOW)
    assert second.name == "run1 (1).csv"
    restored = restore(second, failed, root)
    assert restored == root / "run1.csv"
    assert restored.read_bytes() == b"2"


def test_restore_never_overwrites_a_file_now_in_the_folder(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    quarantined = quarantine(write(root / "run1.csv", b"old"), root, failed, error={}, now=NOW)
    write(root / "run1.csv", b"a newer export with the same name")
    restored = restore(quarantined, failed, root)
    assert restored == root / "run1 (1).csv"
    assert (root / "run1.csv").read_bytes() == b"a newer export with the same name"


def test_restore_after_a_crash_before_removing_the_report_finishes(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    quarantined = quarantine(write(root / "run1.csv", b"content"), root, failed, error={}, now=NOW)
    os.replace(quarantined, root / "run1.csv")  # moved back; died before deleting the report
    assert restore(quarantined, failed, root) == root / "run1.csv"
    assert not error_report_path(quarantined).exists()


def test_restore_rejects_a_report_pointing_outside_the_folder(root: Path, tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    quarantined = quarantine(write(root / "run1.csv", b"x"), root, failed, error={}, now=NOW)
    report = error_report_path(quarantined)
    report.write_text(json.dumps({"file": "../../etc/evil.csv"}), encoding="utf-8")
    with pytest.raises(ValueError, match="expected a path relative to the watched folder"):
        restore(quarantined, failed, root)
    assert quarantined.exists() and report.exists()
