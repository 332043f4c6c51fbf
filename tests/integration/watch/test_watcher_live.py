"""The watcher with real threads, a real file system and real time (short settle and rescan windows)."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.models import SourceFile
from ingest.watch import FolderWatcher, WatchOptions

FAST = WatchOptions(settle_seconds=0.3, rescan_seconds=0.5)


def collect(
    watcher: FolderWatcher, until: Callable[[list[SourceFile]], bool], *, timeout: float = 10.0
) -> list[SourceFile]:
    """Call poll_ready until ``until(everything so far)`` holds or ``timeout`` passes."""
    found: list[SourceFile] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until(found):
        found.extend(watcher.poll_ready(timeout=0.2))
    return found


def quiet_for(watcher: FolderWatcher, seconds: float) -> list[SourceFile]:
    """Everything the watcher yields during ``seconds`` (several rescans): expected to be nothing."""
    return collect(watcher, lambda found: False, timeout=seconds)


@pytest.fixture(params=[False, True], ids=["native", "polling"])
def poll(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "drop"
    path.mkdir()
    return path


@pytest.fixture
def live(root: Path, poll: bool) -> Iterator[FolderWatcher]:
    options = WatchOptions(settle_seconds=0.3, rescan_seconds=0.5, poll=poll)
    with FolderWatcher([root], options) as watcher:
        yield watcher


def test_a_file_written_slowly_in_pieces_is_yielded_once_and_complete(
    root: Path, live: FolderWatcher
) -> None:
    path = root / "slow.csv"
    pieces = [f"row {i},{i * 1.5}\n".encode() * 200 for i in range(20)]
    finished = threading.Event()

    def instrument_writes_slowly() -> None:
        with path.open("wb") as stream:
            for piece in pieces:
                stream.write(piece)
                stream.flush()
                os.fsync(stream.fileno())
                time.sleep(0.05)  # a pause well inside the 0.3 s settle window
        finished.set()

    writer = threading.Thread(target=instrument_writes_slowly, name="slow-writer")
    writer.start()
    try:
        found = collect(live, lambda found: bool(found))
    finally:
        writer.join()
    found += quiet_for(live, 1.2)

    content = b"".join(pieces)
    assert finished.is_set()
    assert [s.path for s in found] == [path]
    assert found[0].size == len(content)
    assert found[0].sha256 == hashlib.sha256(content).hexdigest()


def test_the_same_file_dropped_twice_is_yielded_twice_with_equal_hashes(
    root: Path, live: FolderWatcher
) -> None:
    (root / "run7.csv").write_bytes(b"same export")
    first = collect(live, lambda found: len(found) >= 1)
    (root / "run7 - Copy.csv").write_bytes(b"same export")
    second = collect(live, lambda found: len(found) >= 1)
    assert [s.path.name for s in first + second] == ["run7.csv", "run7 - Copy.csv"]
    assert first[0].sha256 == second[0].sha256 == hashlib.sha256(b"same export").hexdigest()


def test_a_file_renamed_into_the_folder_is_yielded(root: Path, tmp_path: Path, live: FolderWatcher) -> None:
    staged = tmp_path / "staging" / "run9.csv"
    staged.parent.mkdir()
    staged.write_bytes(b"moved in")
    quiet_for(live, 0.3)  # the watcher is running and has scanned before the move
    os.rename(staged, root / "run9.csv")
    (root / "run10.csv.part").write_bytes(b"downloaded")
    os.rename(root / "run10.csv.part", root / "run10.csv")
    found = collect(live, lambda found: len(found) >= 2)
    found += quiet_for(live, 0.8)
    assert sorted(s.path.name for s in found) == ["run10.csv", "run9.csv"]


def test_the_watched_folder_going_away_and_coming_back_yields_nothing_twice(
    root: Path, tmp_path: Path, live: FolderWatcher
) -> None:
    (root / "before.csv").write_bytes(b"before the outage")
    (root / "RUN1.D").mkdir()
    (root / "RUN1.D" / "a.ch").write_bytes(b"unit")
    before = collect(live, lambda found: len(found) >= 2)
    assert sorted(s.path.name for s in before) == ["RUN1.D", "before.csv"]

    away = tmp_path / "share-offline"
    shutil.move(root, away)
    assert quiet_for(live, 1.5) == []
    shutil.move(away, root)
    assert quiet_for(live, 1.5) == [], "files already yielded came back after the outage"

    (root / "after.csv").write_bytes(b"after the outage")
    after = collect(live, lambda found: bool(found))
    assert [s.path.name for s in after] == ["after.csv"]


def test_a_dead_observer_is_restarted_and_its_events_work_again(root: Path, poll: bool) -> None:
    # A long rescan: within the test's time only events (from the restarted observer) can find new files.
    options = WatchOptions(settle_seconds=0.3, rescan_seconds=60.0, poll=poll)
    with FolderWatcher([root], options) as watcher:
        assert watcher.poll_ready(timeout=0.3) == []  # start-up scan done
        (dead,) = watcher.observers
        assert dead is not None
        for emitter in list(dead.emitters):  # what watchdog #1065 does to a polling emitter
            emitter.stop()
            emitter.join()

        deadline = time.monotonic() + 5
        while watcher.observers[0] is dead and time.monotonic() < deadline:
            watcher.poll_ready(timeout=0.2)
        (fresh,) = watcher.observers
        assert fresh is not None and fresh is not dead
        assert fresh.is_alive() and all(e.is_alive() for e in fresh.emitters)
        assert watcher.observer_restarts == 1
        assert not dead.is_alive()

        quiet_for(watcher, 0.3)
        (root / "after-restart.csv").write_bytes(b"x")
        found = collect(watcher, lambda found: bool(found), timeout=6.0)
        assert [s.path.name for s in found] == ["after-restart.csv"]


def test_a_deleted_and_recreated_folder_is_still_watched_for_events(root: Path, poll: bool) -> None:
    # A long rescan again: the new file can only be found through events from a re-pointed observer.
    options = WatchOptions(settle_seconds=0.3, rescan_seconds=60.0, poll=poll)
    with FolderWatcher([root], options) as watcher:
        assert watcher.poll_ready(timeout=0.3) == []
        shutil.rmtree(root)
        root.mkdir()
        # Whether the observer had to be replaced depends on the platform (and on inode reuse); what
        # matters is that events flow again, so give the supervisor a few cycles.
        quiet_for(watcher, 1.5)
        quiet_for(watcher, 0.3)
        (root / "new.csv").write_bytes(b"x")
        found = collect(watcher, lambda found: bool(found), timeout=6.0)
        assert [s.path.name for s in found] == ["new.csv"]


def test_a_folder_swapped_for_a_new_one_is_watched_again(root: Path, tmp_path: Path, poll: bool) -> None:
    # The old folder still exists elsewhere, so a native observer would happily keep watching it.
    options = WatchOptions(settle_seconds=0.3, rescan_seconds=60.0, poll=poll)
    with FolderWatcher([root], options) as watcher:
        assert watcher.poll_ready(timeout=0.3) == []
        shutil.move(root, tmp_path / "old-drop")
        root.mkdir()
        quiet_for(watcher, 1.5)
        (root / "new.csv").write_bytes(b"x")
        found = collect(watcher, lambda found: bool(found), timeout=6.0)
        assert [s.path.name for s in found] == ["new.csv"]


def test_stop_joins_every_thread_and_releases_a_blocked_poll(root: Path) -> None:
    before = set(threading.enumerate())
    watcher = FolderWatcher([root], FAST)
    watcher.start()
    started = [t for t in threading.enumerate() if t not in before]
    assert started, "the watcher should run observer threads"
    results: list[list[SourceFile]] = []
    waiter = threading.Thread(target=lambda: results.append(watcher.poll_ready(timeout=30)), name="waiter")
    waiter.start()
    time.sleep(0.2)  # let the waiter block inside poll_ready
    t0 = time.monotonic()
    watcher.stop()
    waiter.join(timeout=5)
    assert not waiter.is_alive(), "stop() did not wake poll_ready"
    assert time.monotonic() - t0 < 5
    assert results == [[]]
    assert not [t for t in started if t.is_alive()]
    assert watcher.poll_ready(timeout=5) == []


def test_a_real_chemstation_unit_is_one_source(root: Path, instrument_exports: Path) -> None:
    export = instrument_exports / "agilent-chemstation-csv-report" / "2022-01-28_11-35-44_ba.D"
    expected_members = sorted(p.relative_to(export) for p in export.rglob("*") if p.is_file())
    with FolderWatcher([root], FAST) as watcher:
        shutil.copytree(export, root / export.name)
        found = collect(watcher, lambda found: bool(found))
        found += quiet_for(watcher, 0.8)
    assert [s.path.name for s in found] == [export.name]
    assert [m.relative_to(root / export.name) for m in found[0].members] == expected_members
    assert found[0].size == sum((export / m).stat().st_size for m in expected_members)
