"""``retry`` takes a quarantined file by its bare name (as it was in the drop folder, or as quarantined),
by its quarantined path or its original path; a bare name that fits several, or none, is refused with
the candidates (or what is quarantined) and nothing moves."""

from __future__ import annotations

from pathlib import Path

import pytest

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
