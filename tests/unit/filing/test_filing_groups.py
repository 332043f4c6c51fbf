"""archive_group: an export and its attachment files keep names that pair, whatever is taken already."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.filing.moves import archive_group
from ingest.hashing import hash_unit
from ingest.models import SourceFile

NOW = datetime(2024, 3, 7, 14, 30, tzinfo=UTC)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "watched"
    path.mkdir()
    return path


def export_with_trace(root: Path, content: str = "run") -> tuple[SourceFile, Path]:
    export = write(root / "hplc" / "taken.csv", f"{content},taken_trace.csv\n")
    trace = write(root / "hplc" / "traces" / "taken_trace.csv", f"{content} trace\n")
    stat = export.stat()
    return SourceFile(export, hash_unit(export, [export]), stat.st_size, stat.st_mtime_ns), trace


def test_a_group_whose_names_are_free_is_archived_side_by_side(root: Path, tmp_path: Path) -> None:
    source, trace = export_with_trace(root)
    target = archive_group(source, [trace], root, tmp_path / "archive", now=NOW)
    day = tmp_path / "archive" / "2024" / "03" / "07" / "hplc"
    assert target == day / "taken.csv"
    assert (day / "traces" / "taken_trace.csv").read_text() == "run trace\n"
    assert not source.path.exists() and not trace.exists()


@pytest.mark.parametrize("taken", ["taken.csv", "traces/taken_trace.csv"])
def test_any_taken_name_sends_the_whole_group_to_a_numbered_folder_keeping_its_names(
    root: Path, tmp_path: Path, taken: str
) -> None:
    day = tmp_path / "archive" / "2024" / "03" / "07" / "hplc"
    write(day / taken, "someone else's\n")
    write(day / "taken (1)" / "other.csv", "a group folder from before\n")
    source, trace = export_with_trace(root, "mine")
    target = archive_group(source, [trace], root, tmp_path / "archive", now=NOW)
    assert target == day / "taken (2)" / "taken.csv"
    assert target.read_text() == "mine,taken_trace.csv\n"
    assert (day / "taken (2)" / "traces" / "taken_trace.csv").read_text() == "mine trace\n"
    assert (day / taken).read_text() == "someone else's\n"


def test_a_move_a_kill_interrupted_is_completed_into_the_group_folder(root: Path, tmp_path: Path) -> None:
    day = tmp_path / "archive" / "2024" / "03" / "07" / "hplc"
    write(day / "taken.csv", "someone else's\n")
    write(day / "traces" / "taken_trace.csv", "someone else's trace\n")
    source, trace = export_with_trace(root, "mine")
    # The export reached its group folder; the kill came before its trace followed.
    (day / "taken (1)").mkdir()
    source.path.rename(day / "taken (1)" / "taken.csv")
    target = archive_group(source, [trace], root, tmp_path / "archive", now=NOW)
    assert target == day / "taken (1)" / "taken.csv"
    assert (day / "taken (1)" / "traces" / "taken_trace.csv").read_text() == "mine trace\n"
    assert (day / "traces" / "taken_trace.csv").read_text() == "someone else's trace\n"


def test_an_export_without_attachments_keeps_the_numbered_name(root: Path, tmp_path: Path) -> None:
    day = tmp_path / "archive" / "2024" / "03" / "07" / "hplc"
    write(day / "taken.csv", "someone else's\n")
    source, _ = export_with_trace(root)
    assert archive_group(source, [], root, tmp_path / "archive", now=NOW) == day / "taken (1).csv"
