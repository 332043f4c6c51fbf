"""``doctor``'s checks of this host (folders, ledger, disk) on real temporary folders, and how the start
of ``watch`` sorts their results into what stops it, what pauses it and what only warns."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ingest.operations.doctor_context import CheckResult, DoctorContext, WatchedFolders
from ingest.operations.doctor_local_checks import check_folders, check_ledger, disk_result
from ingest.operations.preflight import Preflight, reason_of
from ingest.settings import load_settings
from tests.support.paths import SCHEMAS_MAP


def context(tmp_path: Path, folders: WatchedFolders, ledger: Path | None = None) -> DoctorContext:
    settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path / "home", ledger_path=ledger)
    return DoctorContext(settings, None, None, folders)


def test_folders_that_exist_pass_and_missing_filing_folders_are_made_later(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watched = WatchedFolders((inbox,), tmp_path / "not-yet" / "archive", tmp_path / "failed")
    result = check_folders(context(tmp_path, watched))
    assert result.status == "ok", result.summary
    assert "move files out of them" in result.summary
    assert [p.name for p in tmp_path.iterdir()] == ["inbox"], "the probe leaves nothing behind"
    assert list(inbox.iterdir()) == []


def test_a_missing_drop_folder_and_a_filing_folder_under_a_file_fail_naming_both(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    watched = WatchedFolders((tmp_path / "inbx",), tmp_path / "a-file" / "archive", None)
    result = check_folders(context(tmp_path, watched))
    assert result.status == "fail"
    assert f"'{tmp_path / 'inbx'}' does not exist" in result.summary
    assert f"the archive folder '{tmp_path / 'a-file' / 'archive'}' cannot be made" in result.summary
    assert len(result.details["problems"]) == 2


def test_an_archive_or_quarantine_that_is_the_watched_folder_itself_fails(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # Named another way (through "..") to show the folders are compared, not their spellings.
    same = tmp_path / "inbox" / ".." / "inbox"
    result = check_folders(context(tmp_path, WatchedFolders((inbox,), same, inbox)))
    assert result.status == "fail"
    assert f"the archive folder '{same}' is the watched folder '{inbox}' itself" in result.summary
    assert f"the quarantine folder '{inbox}' is the watched folder '{inbox}' itself" in result.summary
    inside = check_folders(context(tmp_path, WatchedFolders((inbox,), inbox / "archive", inbox / "failed")))
    assert inside.status == "ok", "folders inside the watched folder are skipped by the watcher"


def test_without_folders_the_folder_check_is_skipped(tmp_path: Path) -> None:
    assert check_folders(context(tmp_path, WatchedFolders())).status == "skip"


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="POSIX permissions; root may write anywhere"
)
def test_a_drop_folder_files_cannot_be_moved_out_of_fails_only_when_files_are_moved(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    inbox.chmod(0o555)
    try:
        moved = check_folders(context(tmp_path, WatchedFolders((inbox,), tmp_path / "archive", None)))
        left = check_folders(context(tmp_path, WatchedFolders((inbox,))))
    finally:
        inbox.chmod(0o755)
    assert moved.status == "fail" and "cannot be moved out of it" in moved.summary
    assert left.status == "ok"


def test_a_ledger_whose_folder_cannot_be_made_fails(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    bad = check_ledger(context(tmp_path, WatchedFolders(), ledger=tmp_path / "a-file" / "ledger.sqlite"))
    good = check_ledger(context(tmp_path, WatchedFolders(), ledger=tmp_path / "state" / "ledger.sqlite"))
    assert bad.status == "fail" and "is not writable" in bad.summary
    assert good.status == "ok" and "will be created" in good.summary


def test_low_disk_warns_naming_the_place(tmp_path: Path) -> None:
    places = {"working folder": tmp_path, "archive": tmp_path / "archive"}
    assert disk_result(places, threshold=1).status == "ok"
    low = disk_result(places, threshold=2**62)
    assert low.status == "warn"
    assert f"the archive '{tmp_path / 'archive'}' has" in low.summary


def test_watch_stops_for_local_failures_and_pauses_for_benchling_ones() -> None:
    results = (
        CheckResult("settings", "ok", "Tenant set."),
        CheckResult("reachability", "ok", "Benchling answers."),
        CheckResult("credentials", "fail", "Benchling refused the credentials (401).", "check the key"),
        CheckResult("mapping", "skip", "not checked: credentials did not pass"),
        CheckResult("folders", "fail", "'/in' does not exist."),
        CheckResult("ledger", "ok", "The ledger will be created."),
        CheckResult("disk", "warn", "the archive has 10 MiB free."),
    )
    start = Preflight(results)
    assert [r.name for r in start.fatal] == ["folders"]
    assert start.pause_reason == "Benchling refused the credentials (401). To fix: check the key."
    assert start.problems() == [
        "fail credentials: Benchling refused the credentials (401). -> check the key",
        "fail folders: '/in' does not exist.",
        "warn disk: the archive has 10 MiB free.",
    ]


def test_a_mapping_file_that_cannot_be_read_stops_watch_but_one_that_does_not_fit_pauses_it() -> None:
    unreadable = CheckResult(
        "mapping", "fail", "Mapping file 'm.yaml' is not valid YAML.", None, {"unreadable": True}
    )
    misfit = CheckResult(
        "mapping", "fail", "1 problem(s) in m.yaml against this tenant.", None, {"problems": []}
    )
    assert Preflight((unreadable,)).fatal == [unreadable] and Preflight((unreadable,)).pause_reason is None
    assert Preflight((misfit,)).fatal == [] and Preflight((misfit,)).pause_reason == misfit.summary
    assert reason_of([CheckResult("disk", "ok", "fine")]) is None
