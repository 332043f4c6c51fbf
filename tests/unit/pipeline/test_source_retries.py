"""New files whose ingest could not start (the ledger's database away) are offered again after a
growing wait, once per wait, and dropped when the file is gone."""

from __future__ import annotations

from pathlib import Path

from ingest.models import SourceFile
from ingest.pipeline.source_retries import LONGEST_WAIT, SourceRetries


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def source(path: Path) -> SourceFile:
    path.write_text("x", encoding="utf-8")
    return SourceFile(path, "aa", 1, 1, (path,))


def test_a_source_comes_back_after_a_doubling_wait(tmp_path: Path) -> None:
    clock = Clock()
    retries = SourceRetries(clock=clock)
    file = source(tmp_path / "a.csv")
    assert retries.add(file) == 1.0
    assert retries.due() == []
    clock.now += 1.0
    assert retries.due() == [file]
    assert retries.due() == []  # not again while that attempt runs
    assert retries.add(file) == 2.0
    clock.now += 2.0
    assert retries.due() == [file]
    for _ in range(20):
        delay = retries.add(file)
    assert delay == LONGEST_WAIT
    retries.forget(file)
    assert len(retries) == 0


def test_a_vanished_file_is_dropped(tmp_path: Path) -> None:
    clock = Clock()
    retries = SourceRetries(clock=clock)
    file = source(tmp_path / "a.csv")
    retries.add(file)
    file.path.unlink()
    clock.now += 5
    assert retries.due() == []
    assert len(retries) == 0
