"""Settle detection, filtering and done markers, driven by scan_once and a fake clock."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest.models import SourceFile
from ingest.watch import FolderWatcher, WatchOptions
from tests.support.watch_fakes import FakeClock, write


def watcher(root: Path, clock: FakeClock, **options: object) -> FolderWatcher:
    return FolderWatcher([root], WatchOptions(**options), clock=clock)  # type: ignore[arg-type]


def names(sources: list[SourceFile]) -> list[str]:
    return [s.path.name for s in sources]


def test_a_file_is_ready_only_after_the_settle_window(tmp_path: Path, clock: FakeClock) -> None:
    path = write(tmp_path / "run1.csv", b"rt,area\n1.0,2.0\n")
    w = watcher(tmp_path, clock, settle_seconds=10.0)

    assert w.scan_once() == []
    clock.advance(9.9)
    assert w.scan_once() == []
    clock.advance(0.1)
    ready = w.scan_once()

    assert len(ready) == 1
    source = ready[0]
    assert source.path == path
    assert source.sha256 == hashlib.sha256(b"rt,area\n1.0,2.0\n").hexdigest()
    assert source.size == path.stat().st_size
    assert source.mtime_ns == path.stat().st_mtime_ns
    assert source.members == (path,)


def test_a_version_is_yielded_once_but_a_new_version_again(tmp_path: Path, clock: FakeClock) -> None:
    path = write(tmp_path / "run1.csv", b"first")
    w = watcher(tmp_path, clock, settle_seconds=5.0)
    w.scan_once()
    clock.advance(5)
    assert names(w.scan_once()) == ["run1.csv"]
    clock.advance(60)
    assert w.scan_once() == []

    write(path, b"second version")
    assert w.scan_once() == []
    clock.advance(5)
    again = w.scan_once()
    assert [s.sha256 for s in again] == [hashlib.sha256(b"second version").hexdigest()]


def test_a_file_written_in_pieces_waits_until_it_stops_growing(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "slow.txt"
    w = watcher(tmp_path, clock, settle_seconds=10.0)
    for piece in range(5):
        write(path, f"piece {piece}\n".encode(), append=True)
        assert w.scan_once() == [], f"ready after piece {piece} although it grew 6 s ago"
        clock.advance(6)
    clock.advance(4)  # 10 s since the last piece
    ready = w.scan_once()
    assert len(ready) == 1
    assert ready[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ready[0].size == len(b"".join(f"piece {i}\n".encode() for i in range(5)))


def test_an_empty_file_waits_for_its_writer_longer_than_the_settle_window(
    tmp_path: Path, clock: FakeClock
) -> None:
    # A writer creates the file, then stalls (a busy PC) before its first write: not ready yet.
    path = write(tmp_path / "run1.csv", b"")
    w = watcher(tmp_path, clock, settle_seconds=1.0, empty_settle_seconds=30.0)
    w.scan_once()
    clock.advance(29)
    assert w.scan_once() == [], "an empty file was taken within the empty-file wait"

    write(path, b"rt,area\n1.0,2.0\n")  # the writer goes on: the normal window applies from here
    assert w.scan_once() == []
    clock.advance(1)
    assert [s.size for s in w.scan_once()] == [len(b"rt,area\n1.0,2.0\n")]


def test_a_file_that_stays_empty_is_taken_after_the_empty_file_wait(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "run1.csv", b"")
    w = watcher(tmp_path, clock, settle_seconds=1.0, empty_settle_seconds=30.0)
    w.scan_once()
    clock.advance(30)
    assert [(s.path.name, s.size) for s in w.scan_once()] == [("run1.csv", 0)]


def test_the_empty_file_wait_is_never_shorter_than_the_settle_window(
    tmp_path: Path, clock: FakeClock
) -> None:
    write(tmp_path / "run1.csv", b"")
    w = watcher(tmp_path, clock, settle_seconds=10.0, empty_settle_seconds=0.0)
    w.scan_once()
    clock.advance(9.9)
    assert w.scan_once() == []
    clock.advance(0.1)
    assert names(w.scan_once()) == ["run1.csv"]


def test_zero_settle_window_yields_on_first_sight(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "a.csv", b"x")
    assert names(watcher(tmp_path, clock, settle_seconds=0).scan_once()) == ["a.csv"]


@pytest.mark.parametrize(
    "name",
    [
        "~$report.xlsx",
        "run.tmp",
        "run.csv.part",
        "run.csv.crdownload",
        ".hidden.csv",
        ".cache/inside-hidden-folder.csv",
        "run.csv.error.json",
        "sub/deeper/run.TMP",
    ],
)
def test_temporary_hidden_and_report_files_are_ignored(tmp_path: Path, clock: FakeClock, name: str) -> None:
    write(tmp_path / name, b"data")
    write(tmp_path / "keep.csv", b"data")
    w = watcher(tmp_path, clock, settle_seconds=0)
    assert names(w.scan_once()) == ["keep.csv"]


def test_include_globs_match_names_case_insensitively(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "a.csv", b"1")
    write(tmp_path / "B.CSV", b"2")
    write(tmp_path / "c.txt", b"3")
    write(tmp_path / "sub" / "d.csv", b"4")
    w = watcher(tmp_path, clock, settle_seconds=0, include=("*.csv",))
    assert sorted(names(w.scan_once())) == ["B.CSV", "a.csv", "d.csv"]


def test_include_glob_with_a_folder_matches_the_relative_path(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "lc" / "a.txt", b"1")
    write(tmp_path / "gc" / "b.txt", b"2")
    write(tmp_path / "c.txt", b"3")
    w = watcher(tmp_path, clock, settle_seconds=0, include=("lc/*.txt",))
    assert names(w.scan_once()) == ["a.txt"]


def test_exclude_globs_replace_the_defaults(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "old" / "a.csv", b"1")
    write(tmp_path / "new" / "b.csv", b"2")
    write(tmp_path / "c.tmp", b"3")
    w = watcher(tmp_path, clock, settle_seconds=0, exclude=("old",))
    assert sorted(names(w.scan_once())) == ["b.csv", "c.tmp"]


def test_not_recursive_ignores_subfolders_but_not_top_level_units(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "top.csv", b"1")
    write(tmp_path / "sub" / "deep.csv", b"2")
    write(tmp_path / "RUN1.D" / "inner" / "data.ch", b"3")
    w = watcher(tmp_path, clock, settle_seconds=0, recursive=False)
    assert sorted(names(w.scan_once())) == ["RUN1.D", "top.csv"]


def test_done_marker_gates_readiness_and_is_never_yielded(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "run1.csv", b"data")
    w = watcher(tmp_path, clock, settle_seconds=2.0, done_marker=".done")
    w.scan_once()
    clock.advance(30)
    assert w.scan_once() == [], "yielded without its done marker"

    write(tmp_path / "run1.csv.done", b"")
    ready = w.scan_once()
    assert names(ready) == ["run1.csv"]
    clock.advance(30)
    assert w.scan_once() == []


def test_done_marker_applies_to_units(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "RUN1.D" / "a.ch", b"a")
    w = watcher(tmp_path, clock, settle_seconds=0, done_marker=".done")
    assert w.scan_once() == []
    write(tmp_path / "RUN1.D.done", b"")
    assert names(w.scan_once()) == ["RUN1.D"]


def test_is_known_versions_are_skipped_and_asked_about_once(tmp_path: Path, clock: FakeClock) -> None:
    known = write(tmp_path / "known.csv", b"old")
    new = write(tmp_path / "new.csv", b"new")
    asked: list[tuple[Path, int, int]] = []
    recorded = {known}

    def is_known(path: Path, size: int, mtime_ns: int) -> bool:
        asked.append((path, size, mtime_ns))
        return path in recorded

    w = FolderWatcher([tmp_path], WatchOptions(settle_seconds=0), is_known=is_known, clock=clock)
    assert names(w.scan_once()) == ["new.csv"]
    recorded.add(new)  # what the consumer (the pipeline's ledger) does with a yielded version
    for _ in range(3):
        clock.advance(60)
        assert w.scan_once() == []
    stat = known.stat()
    assert asked.count((known, stat.st_size, stat.st_mtime_ns)) == 1
    new_stat = new.stat()
    # Asked before hashing, and once more to confirm the consumer took it; then never again.
    assert asked.count((new, new_stat.st_size, new_stat.st_mtime_ns)) == 2


def test_root_for_names_the_watched_folder(tmp_path: Path, clock: FakeClock) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    w = FolderWatcher([a, b], WatchOptions(), clock=clock)
    assert w.root_for(b / "x" / "y.csv") == b
    with pytest.raises(ValueError, match="not under any watched folder"):
        w.root_for(tmp_path / "c" / "z.csv")


@pytest.mark.parametrize("bad", [{"settle_seconds": -1}, {"rescan_seconds": 0}])
def test_watch_options_reject_impossible_timings(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        WatchOptions(**bad)  # type: ignore[arg-type]
