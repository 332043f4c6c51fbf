"""Files that fight back: names that are not text, links to outside the watched folder, a consumer (the
ledger) that fails for a while, and a ledger that cannot even answer. Driven by scan_once and a fake
clock; the watcher must neither stop nor drop a file until a restart."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from ingest.models import SourceFile
from ingest.watch import FolderWatcher, Rejection, WatchOptions, list_exports
from tests.support.watch_fakes import FakeClock, write

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="byte names and symlinks as a user: POSIX")


def bad_name(folder: Path, raw: bytes) -> Path:
    """A path whose last part is these bytes (not UTF-8), as Python gives it back from a listing."""
    return folder / os.fsdecode(raw)


class Consumer:
    """Stands in for the pipeline: records what it takes unless told to fail (the ledger's disk is full)."""

    def __init__(self) -> None:
        self.recorded: set[tuple[Path, int, int]] = set()
        self.asked: list[Path] = []
        self.failing = False
        self.unreachable = False

    def is_known(self, path: Path, size: int, mtime_ns: int) -> bool:
        path.as_posix().encode("utf-8")  # what a text-only ledger does with the name: must never raise
        self.asked.append(path)
        if self.unreachable:
            raise OSError(errno.EIO, "database unreachable")
        return (path, size, mtime_ns) in self.recorded

    def take(self, sources: list[SourceFile]) -> None:
        if self.failing:
            return  # e.g. OSError(ENOSPC) from the ledger before the row existed: nothing recorded
        self.recorded.update((s.path, s.size, s.mtime_ns) for s in sources)


def names(sources: list[SourceFile]) -> list[str]:
    return [s.path.name for s in sources]


def make_watcher(
    root: Path, clock: FakeClock, consumer: Consumer, rejected: list[Rejection], **options: float
) -> FolderWatcher:
    def on_reject(rejection: Rejection) -> bool:
        rejected.append(rejection)
        return True

    return FolderWatcher(
        [root],
        WatchOptions(settle_seconds=0, **options),  # type: ignore[arg-type]
        is_known=consumer.is_known,
        on_reject=on_reject,
        clock=clock,
    )


@posix_only
def test_a_name_that_is_not_text_is_rejected_before_the_ledger_is_asked(
    tmp_path: Path, clock: FakeClock
) -> None:
    hostile = write(bad_name(tmp_path, b"run\xff\xfe.csv"), b"a,b\n1,2\n")
    write(tmp_path / "good.csv", b"a,b\n3,4\n")
    consumer, rejected = Consumer(), []
    w = make_watcher(tmp_path, clock, consumer, rejected)

    ready = w.scan_once()
    consumer.take(ready)
    assert names(ready) == ["good.csv"]
    [rejection] = rejected
    assert rejection.path == hostile and rejection.kind == "name"
    assert "run\\xff\\xfe.csv" in rejection.reason and "not valid UTF-8" in rejection.reason
    assert hostile not in consumer.asked
    clock.advance(120)
    assert w.scan_once() == []
    assert len(rejected) == 1, "a rejection that was dealt with is not repeated"


@posix_only
def test_a_folder_unit_with_a_member_that_is_not_text_is_rejected_whole(
    tmp_path: Path, clock: FakeClock
) -> None:
    write(tmp_path / "RUN1.D" / "report.txt", b"x")
    write(bad_name(tmp_path / "RUN1.D", b"sig\xe9.ch"), b"y")
    consumer, rejected = Consumer(), []
    assert make_watcher(tmp_path, clock, consumer, rejected).scan_once() == []
    [rejection] = rejected
    assert rejection.path == tmp_path / "RUN1.D"
    assert "sig\\xe9.ch" in rejection.reason


@posix_only
def test_a_link_to_outside_the_folder_is_rejected_unread(tmp_path: Path, clock: FakeClock) -> None:
    root, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    secret = write(elsewhere / "secret.csv", b"not yours\n")
    write(root / "plain.csv", b"a,b\n1,2\n")
    (root / "outside.csv").symlink_to(secret)
    (root / "dotdot.csv").symlink_to(Path("..") / "elsewhere" / "secret.csv")
    consumer, rejected = Consumer(), []

    ready = make_watcher(root, clock, consumer, rejected).scan_once()

    assert names(ready) == ["plain.csv"]
    assert sorted(r.path.name for r in rejected) == ["dotdot.csv", "outside.csv"]
    assert all(r.kind == "outside" and "resolves outside its watched folder" in r.reason for r in rejected)
    assert str(secret) in rejected[0].reason
    assert secret.read_bytes() == b"not yours\n"


@posix_only
def test_links_that_lead_nowhere_are_rejected_with_their_reason_not_left_unseen(
    tmp_path: Path, clock: FakeClock
) -> None:
    root = tmp_path / "inbox"
    write(root / "plain.csv", b"a,b\n1,2\n")
    (root / "loopa.csv").symlink_to(root / "loopb.csv")
    (root / "loopb.csv").symlink_to(root / "loopa.csv")
    (root / "self.csv").symlink_to(root / "self.csv")
    (root / "gone.csv").symlink_to(root / "sub" / "removed.csv")  # inside the folder, target gone
    (root / "gone.txt.tmp").symlink_to(root / "nothing")  # a name the watch ignores: still ignored
    consumer, rejected = Consumer(), []

    ready = make_watcher(root, clock, consumer, rejected).scan_once()

    assert names(ready) == ["plain.csv"]
    assert sorted(r.path.name for r in rejected) == ["gone.csv", "loopa.csv", "loopb.csv", "self.csv"]
    assert all(r.kind == "broken_link" and "symbolic link that leads nowhere" in r.reason for r in rejected)
    [gone] = [r for r in rejected if r.path.name == "gone.csv"]
    assert "removed.csv" in gone.reason


@posix_only
def test_a_link_inside_the_folder_is_taken_unless_its_target_is_taken_itself(
    tmp_path: Path, clock: FakeClock
) -> None:
    root = tmp_path / "inbox"
    real = write(root / "sub" / "real.csv", b"a,b\n1,2\n")
    hidden = write(root / ".staging" / "hidden.csv", b"a,b\n3,4\n")  # excluded by the default patterns
    (root / "alias.csv").symlink_to(real)
    (root / "published.csv").symlink_to(hidden)
    consumer, rejected = Consumer(), []
    w = make_watcher(root, clock, consumer, rejected)

    ready = w.scan_once()
    consumer.take(ready)
    # alias.csv is a second name for sub/real.csv, taken itself: taking both at once could archive the
    # file from under the link. published.csv is the only way in to an excluded file: taken.
    assert sorted(names(ready)) == ["published.csv", "real.csv"]
    assert rejected == []
    clock.advance(60)
    assert w.scan_once() == []


@posix_only
def test_a_link_to_a_fifo_is_neither_opened_nor_taken(tmp_path: Path, clock: FakeClock) -> None:
    root = tmp_path / "inbox"
    root.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (root / "never-ends.csv").symlink_to(fifo)
    consumer, rejected = Consumer(), []
    # Opening the FIFO for reading would block this test forever (until its timeout).
    assert make_watcher(root, clock, consumer, rejected).scan_once() == []
    assert [r.path.name for r in rejected] == []  # a FIFO is not a regular file: the listing skips it


def test_a_rejection_the_handler_could_not_deal_with_is_offered_again_with_backoff(
    tmp_path: Path, clock: FakeClock
) -> None:
    root = tmp_path / "inbox"
    write(tmp_path / "elsewhere.csv", b"x")
    root.mkdir()
    if sys.platform == "win32":
        pytest.skip("creating symlinks needs a privilege on Windows")
    (root / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    calls: list[float] = []
    results = iter([False, False, True])

    def on_reject(rejection: Rejection) -> bool:
        calls.append(clock.now)
        return next(results)

    w = FolderWatcher([root], WatchOptions(settle_seconds=0), on_reject=on_reject, clock=clock)
    start = clock.now
    for _ in range(20):
        w.scan_once()
        clock.advance(0.5)
    assert [t - start for t in calls] == [0.0, 1.0, 3.0]  # waits of 1 s, then 2 s; then taken


def test_a_version_the_consumer_failed_to_record_is_offered_again_until_it_is(
    tmp_path: Path, clock: FakeClock
) -> None:
    write(tmp_path / "run1.csv", b"a,b\n1,2\n")
    consumer, rejected = Consumer(), []
    w = make_watcher(tmp_path, clock, consumer, rejected, retry_max_seconds=4.0)
    consumer.failing = True  # the disk under the ledger is full
    offered_at = []
    start = clock.now
    for _ in range(40):
        ready = w.scan_once()
        if ready:
            offered_at.append(clock.now - start)
        consumer.take(ready)
        if clock.now - start >= 12:
            consumer.failing = False  # space freed: the next offer is recorded
        clock.advance(0.5)
    # Offered at once, then after 1, 2, 4, 4 ... seconds (capped), until one offer was recorded.
    assert offered_at == [0.0, 1.0, 3.0, 7.0, 11.0, 15.0]
    assert consumer.recorded, "the file was never taken"


def test_a_ledger_that_cannot_answer_never_stops_the_scan(tmp_path: Path, clock: FakeClock) -> None:
    write(tmp_path / "run1.csv", b"a,b\n1,2\n")
    consumer, rejected = Consumer(), []
    w = make_watcher(tmp_path, clock, consumer, rejected)
    consumer.unreachable = True
    assert w.scan_once() == []
    clock.advance(0.5)
    assert w.scan_once() == []
    consumer.unreachable = False
    clock.advance(0.5)
    ready = w.scan_once()
    assert names(ready) == ["run1.csv"]


def test_a_file_that_cannot_be_opened_yet_is_tried_again_with_backoff(
    tmp_path: Path, clock: FakeClock
) -> None:
    write(tmp_path / "copying.csv", b"a,b\n")
    denials = iter([True, True, True])  # Windows keeps a file locked while it is copied in

    def can_read(members: object) -> bool:
        return not next(denials, False)

    w = FolderWatcher([tmp_path], WatchOptions(settle_seconds=0), clock=clock, can_read=can_read)
    start = clock.now
    ready_at = None
    for _ in range(30):
        if w.scan_once():
            ready_at = clock.now - start
            break
        clock.advance(0.5)
    assert ready_at == 7.0  # denied at 0, then tried after 1, 2 and 4 seconds


@posix_only
def test_list_exports_leaves_out_hostile_names_and_links_to_outside(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write(root / "good.csv", b"x")
    write(bad_name(root, b"bad\xff.csv"), b"y")
    write(tmp_path / "secret.csv", b"z")
    (root / "link.csv").symlink_to(tmp_path / "secret.csv")
    exports = list_exports(root, is_export=lambda path: True)
    assert [c.path.name for c in exports] == ["good.csv"]
