"""Folder units (``RUN1.D``), content hashes and share outages, driven by scan_once and a fake clock."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pytest

from ingest.hashing import hash_unit
from ingest.watch import FolderWatcher, WatchOptions
from tests.support.watch_fakes import FakeClock, write


def test_a_unit_waits_for_every_member_and_yields_one_source(tmp_path: Path, clock: FakeClock) -> None:
    unit = tmp_path / "RUN1.D"
    report = write(unit / "Report00.CSV", b"report")
    w = FolderWatcher([tmp_path], WatchOptions(settle_seconds=10), clock=clock)
    assert w.scan_once() == []
    clock.advance(6)
    trace = write(unit / "DAD1A.ch", b"trace")  # a new member arrives: the unit is not settled
    assert w.scan_once() == []
    clock.advance(6)
    assert w.scan_once() == [], "ready 6 s after its last member appeared"
    nested = write(unit / "sub" / "acq.txt", b"acq")
    clock.advance(10)
    assert w.scan_once() == []
    clock.advance(10)
    ready = w.scan_once()

    assert len(ready) == 1
    source = ready[0]
    assert source.path == unit
    assert source.members == tuple(sorted((report, trace, nested)))
    assert source.size == len(b"report") + len(b"trace") + len(b"acq")
    assert source.mtime_ns == max(p.stat().st_mtime_ns for p in (report, trace, nested))
    assert source.sha256 == hash_unit(unit, source.members)
    clock.advance(60)
    assert w.scan_once() == []


def test_unit_suffix_is_case_insensitive_and_members_are_never_yielded_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    write(tmp_path / "lower.d" / "a.ch", b"a")
    write(tmp_path / "sub" / "UPPER.D" / "b.ch", b"b")
    write(tmp_path / "plain" / "c.csv", b"c")
    ready = FolderWatcher([tmp_path], WatchOptions(settle_seconds=0), clock=clock).scan_once()
    assert sorted(s.path.name for s in ready) == ["UPPER.D", "c.csv", "lower.d"]


def test_a_temp_file_inside_a_unit_delays_it_but_is_not_a_member(tmp_path: Path, clock: FakeClock) -> None:
    unit = tmp_path / "RUN2.D"
    data = write(unit / "data.ch", b"data")
    write(unit / "copying.tmp", b"part")
    w = FolderWatcher([tmp_path], WatchOptions(settle_seconds=5), clock=clock)
    w.scan_once()
    clock.advance(3)
    write(unit / "copying.tmp", b"more", append=True)
    clock.advance(3)
    assert w.scan_once() == []
    clock.advance(5)
    ready = w.scan_once()
    assert [s.members for s in ready] == [(data,)]


def test_an_empty_unit_folder_is_not_ready(tmp_path: Path, clock: FakeClock) -> None:
    (tmp_path / "EMPTY.D").mkdir()
    assert FolderWatcher([tmp_path], WatchOptions(settle_seconds=0), clock=clock).scan_once() == []


def test_custom_unit_suffixes(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "seq.raw" / "a.bin", b"a")
    write(tmp_path / "RUN.D" / "b.bin", b"b")
    options = WatchOptions(settle_seconds=0, unit_suffixes=(".raw",))
    ready = FolderWatcher([tmp_path], options, clock=clock).scan_once()
    assert sorted(s.path.name for s in ready) == ["b.bin", "seq.raw"]


def test_same_content_under_two_names_hashes_the_same(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "first.csv", b"identical bytes")
    write(tmp_path / "copy of first.csv", b"identical bytes")
    write(tmp_path / "A.D" / "x" / "data.ch", b"unit bytes")
    write(tmp_path / "B.D" / "x" / "data.ch", b"unit bytes")
    ready = FolderWatcher([tmp_path], WatchOptions(settle_seconds=0), clock=clock).scan_once()
    by_name = {s.path.name: s.sha256 for s in ready}
    assert (
        by_name["first.csv"] == by_name["copy of first.csv"] == hashlib.sha256(b"identical bytes").hexdigest()
    )
    assert by_name["A.D"] == by_name["B.D"]
    assert by_name["A.D"] != hashlib.sha256(b"unit bytes").hexdigest()


def test_unit_hash_depends_on_member_names_and_contents(tmp_path: Path) -> None:
    a = tmp_path / "a.D"
    write(a / "x.ch", b"12")
    write(a / "y.ch", b"3")
    b = tmp_path / "b.D"
    write(b / "x.ch", b"1")
    write(b / "y.ch", b"23")  # same concatenated bytes, different split
    c = tmp_path / "c.D"
    write(c / "x.ch", b"12")
    write(c / "z.ch", b"3")  # same bytes, different name
    hashes = {hash_unit(u, sorted(u.rglob("*.ch"))) for u in (a, b, c)}
    assert len(hashes) == 3


def test_a_big_file_is_hashed_in_chunks_to_the_same_digest(tmp_path: Path) -> None:
    data = bytes(range(256)) * 20_000  # about 5 MiB: several 1 MiB chunks
    path = write(tmp_path / "big.bin", data)
    assert hash_unit(path, [path]) == hashlib.sha256(data).hexdigest()
    assert hash_unit(path, []) == hashlib.sha256(data).hexdigest()


def test_a_root_removed_and_restored_yields_nothing_again(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "share"
    write(root / "done.csv", b"already yielded")
    write(root / "RUN1.D" / "a.ch", b"unit")
    w = FolderWatcher([root], WatchOptions(settle_seconds=5), clock=clock)
    w.scan_once()
    clock.advance(5)
    assert len(w.scan_once()) == 2

    write(root / "pending.csv", b"seen once before the outage")
    w.scan_once()
    away = tmp_path / "away"
    shutil.move(root, away)  # the share drops out
    with caplog.at_level(logging.WARNING, logger="ingest.watch.watcher"):
        for _ in range(3):
            clock.advance(5)
            assert w.scan_once() == []
    outage_warnings = [r for r in caplog.records if "cannot be listed" in r.getMessage()]
    assert len(outage_warnings) == 1, "a missing root must be logged once, not on every scan"

    shutil.move(away, root)  # and comes back with the same files
    ready = w.scan_once()
    assert [s.path.name for s in ready] == ["pending.csv"]
    clock.advance(60)
    assert w.scan_once() == []


def test_a_root_missing_at_start_is_picked_up_when_it_appears(tmp_path: Path, clock: FakeClock) -> None:
    root = tmp_path / "not-yet"
    w = FolderWatcher([root], WatchOptions(settle_seconds=0), clock=clock)
    assert w.scan_once() == []
    write(root / "a.csv", b"a")
    assert [s.path.name for s in w.scan_once()] == ["a.csv"]


def test_several_roots_are_scanned(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "one" / "a.csv", b"a")
    write(tmp_path / "two" / "b.csv", b"b")
    w = FolderWatcher([tmp_path / "one", tmp_path / "two"], WatchOptions(settle_seconds=0), clock=clock)
    assert sorted(s.path.name for s in w.scan_once()) == ["a.csv", "b.csv"]
