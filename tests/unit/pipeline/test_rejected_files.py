"""What the service does with files the watch stage refuses: quarantine with a report (a hostile file
read for its hash, a link never read, a unit whose members have hostile names), leave them in place
without a quarantine folder, and ask to be called again when the quarantine itself fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path, PurePath

import pytest

from ingest.filing import error_report_path
from ingest.pipeline.rejected_files import RejectedFiles
from ingest.watch import Rejection
from tests.support.watch_fakes import write

NOW = dt.datetime(2026, 3, 7, 9, 15, tzinfo=dt.UTC)
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="byte names and symlinks as a user: POSIX")


def rejection(root: Path, path: Path, kind: str = "name") -> Rejection:
    return Rejection(root, path, PurePath(path.relative_to(root)), kind, f"refused ({kind})")  # type: ignore[arg-type]


def report_of(target: Path) -> dict[str, object]:
    loaded = json.loads(error_report_path(target).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_a_hostile_name_is_quarantined_with_its_hash_and_the_watched_folder(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    path = write(root / os.fsdecode(b"r\xffn.csv"), b"content")
    handler = RejectedFiles(tmp_path / "failed", now=lambda: NOW)
    assert handler(rejection(root, path)) is True
    [target] = [p for p in (tmp_path / "failed").iterdir() if not p.name.endswith(".error.json")]
    report = report_of(target)
    assert report["stage"] == "watch" and report["reason"] == "refused (name)"
    assert report["details"] == {"kind": "name", "watched_folder": str(root)}
    assert report["sha256"] == hashlib.sha256(b"content").hexdigest()


def test_a_unit_with_hostile_member_names_is_quarantined_whole_and_unread(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    write(root / "RUN1.D" / os.fsdecode(b"sig\xe9.ch"), b"x")
    handler = RejectedFiles(tmp_path / "failed", now=lambda: NOW)
    assert handler(rejection(root, root / "RUN1.D")) is True
    assert (tmp_path / "failed" / "RUN1.D").is_dir() and not (root / "RUN1.D").exists()
    assert report_of(tmp_path / "failed" / "RUN1.D")["sha256"] is None


def test_a_link_to_elsewhere_is_quarantined_without_being_read(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    root.mkdir()
    (root / "link.csv").symlink_to(write(tmp_path / "secret.csv", b"s"))
    assert RejectedFiles(tmp_path / "failed", now=lambda: NOW)(rejection(root, root / "link.csv", "outside"))
    assert report_of(tmp_path / "failed" / "link.csv")["sha256"] is None
    assert (tmp_path / "failed" / "link.csv").is_symlink()


def test_without_a_quarantine_folder_the_file_is_left_in_place(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    path = write(root / os.fsdecode(b"r\xffn.csv"), b"content")
    assert RejectedFiles(None, now=lambda: NOW)(rejection(root, path)) is True
    assert path.exists()


def test_a_quarantine_that_fails_asks_to_be_called_again(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    path = write(root / os.fsdecode(b"r\xffn.csv"), b"content")
    blocked = write(tmp_path / "failed", b"a file where the quarantine folder should be")
    assert RejectedFiles(blocked, now=lambda: NOW)(rejection(root, path)) is False
    assert path.exists()
