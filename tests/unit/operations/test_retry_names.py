"""``retry`` takes a quarantined file by its bare name (as it was in the drop folder, or as quarantined),
by its quarantined path or its original path; a bare name that fits several, or none, is refused with
the candidates (or what is quarantined) and nothing moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import cli
from ingest.operations.retry import QuarantineNameError, retry_quarantined
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox

BROKEN = "Sample ID,RT (min),Area\nSMP-001,not a time,1052\n"


def quarantine_three(tmp_path: Path) -> tuple[Path, Path, Path]:
    """inbox/a/run.csv, inbox/b/run.csv and inbox/c/other.csv, each failed and quarantined."""
    inbox = tmp_path / "inbox"
    paths = [inbox / "a" / "run.csv", inbox / "b" / "run.csv", inbox / "c" / "other.csv"]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BROKEN, encoding="utf-8")
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcomes = [pipeline.ingest_path(p, root=inbox) for p in paths]
    assert [o.kind for o in outcomes] == ["failed"] * 3, [o.message for o in outcomes]
    assert not any(p.exists() for p in paths)
    return inbox, tmp_path / "failed", tmp_path / "state" / "ledger.sqlite"


def test_a_bare_name_restores_the_one_file_it_fits(tmp_path: Path) -> None:
    inbox, failed, ledger = quarantine_three(tmp_path)
    restored = retry_quarantined(ledger, failed, files=[Path("other.csv")])
    assert [r.restored_to for r in restored] == [inbox / "c" / "other.csv"]
    assert (inbox / "c" / "other.csv").read_text(encoding="utf-8") == BROKEN


def test_a_bare_name_fitting_several_lists_them_and_moves_nothing(tmp_path: Path) -> None:
    inbox, failed, ledger = quarantine_three(tmp_path)
    with pytest.raises(QuarantineNameError) as raised:
        retry_quarantined(ledger, failed, files=[Path("other.csv"), Path("run.csv")])
    message = raised.value.message
    assert "'run.csv' names 2 quarantined files" in message
    assert str(failed / "a" / "run.csv") in message and str(failed / "b" / "run.csv") in message
    assert str(inbox / "a" / "run.csv") in message, "each candidate names where it came from"
    assert not (inbox / "c" / "other.csv").exists(), "nothing moves when one name is refused"


def test_the_quarantined_path_chooses_among_equal_names(tmp_path: Path) -> None:
    inbox, failed, ledger = quarantine_three(tmp_path)
    restored = retry_quarantined(ledger, failed, files=[failed / "b" / "run.csv"])
    assert [r.restored_to for r in restored] == [inbox / "b" / "run.csv"]
    restored = retry_quarantined(ledger, failed, files=[inbox / "a" / "run.csv"])
    assert [r.restored_to for r in restored] == [inbox / "a" / "run.csv"], "by its original path"


def test_a_name_fitting_nothing_says_what_is_quarantined(tmp_path: Path) -> None:
    _, failed, ledger = quarantine_three(tmp_path)
    with pytest.raises(QuarantineNameError) as raised:
        retry_quarantined(ledger, failed, files=[Path("missing.csv")])
    assert "No quarantined file is named 'missing.csv'" in raised.value.message
    assert "other.csv, run.csv, run.csv" in raised.value.message


def test_a_moved_quarantine_folder_is_found_by_its_error_reports(tmp_path: Path) -> None:
    """The quarantine folder was moved: --failed names its new place, and the files are found there by
    their .error.json (original path and sha256), by --all, by bare name and by their new path."""
    inbox, failed, ledger = quarantine_three(tmp_path)
    moved = failed.rename(tmp_path / "failed_moved")
    restored = retry_quarantined(ledger, moved, files=[Path("other.csv")])
    assert [(r.quarantined, r.restored_to) for r in restored] == [
        (moved / "c" / "other.csv", inbox / "c" / "other.csv")
    ]
    restored = retry_quarantined(ledger, moved, files=[moved / "b" / "run.csv"])
    assert [r.restored_to for r in restored] == [inbox / "b" / "run.csv"]
    missing: list[Path] = []
    restored = retry_quarantined(ledger, moved, everything=True, missing=missing)
    assert [r.restored_to for r in restored] == [inbox / "a" / "run.csv"] and missing == []
    assert (inbox / "a" / "run.csv").read_text(encoding="utf-8") == BROKEN


def test_files_found_nowhere_are_reported_with_where_the_ledger_expects_them(tmp_path: Path) -> None:
    _, failed, ledger = quarantine_three(tmp_path)
    failed.rename(tmp_path / "failed_moved")
    missing: list[Path] = []
    assert retry_quarantined(ledger, failed, everything=True, missing=missing) == []
    expected = [failed / "a" / "run.csv", failed / "b" / "run.csv", failed / "c" / "other.csv"]
    assert sorted(missing) == expected
    with pytest.raises(QuarantineNameError) as raised:
        retry_quarantined(ledger, failed, files=[Path("other.csv")])
    message = raised.value.message
    assert "no longer where the ledger recorded it" in message and str(failed / "c" / "other.csv") in message
    assert "--failed" in message and "quarantined now" not in message


def test_the_retry_command_fails_naming_the_missing_files(tmp_path: Path) -> None:
    _, failed, ledger = quarantine_three(tmp_path)
    failed.rename(tmp_path / "failed_moved")
    result = CliRunner().invoke(cli, ["retry", "--all", "--failed", str(failed), "--ledger", str(ledger)])
    assert result.exit_code == 1, result.output
    assert "0 file(s) put back" in result.stdout
    assert "3 quarantined file(s) the ledger names are neither" in result.stderr
    assert str(failed / "c" / "other.csv") in result.stderr and "--failed" in result.stderr
    moved = CliRunner().invoke(
        cli, ["retry", "--all", "--failed", str(tmp_path / "failed_moved"), "--ledger", str(ledger)]
    )
    assert moved.exit_code == 0, moved.output
    assert "3 file(s) put back" in moved.stdout
