"""``reprocess`` says when it waits on Benchling's hourly results cap: the client's pacer tells the notice,
which logs it and shows it in the progress display, before the wait."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.benchling import PacingWait
from ingest.operations.reprocess import WaitNotice, describe_wait, reprocess
from ingest.sandbox import Variants
from tests.support.corpus import write_export
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox


def test_the_wait_is_described_in_whole_seconds() -> None:
    assert describe_wait(PacingWait("results_hourly_cap", 1799.6)) == (
        "waiting 1800 s for the hourly results cap"
    )


def test_a_reprocess_over_the_cap_waits_and_says_so_then_finishes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "archive"
    exports = [write_export(root, i, results=3) for i in range(3)]
    notice = WaitNotice()
    shown: list[str] = []
    notice.show(shown.append)
    # Two result writes per hour on both sides: the third file's results must wait for the first to age out.
    with (
        inprocess_sandbox(
            variants=Variants(results_hourly_cap=2), shared_clock=True, results_per_hour=2, on_wait=notice
        ) as sandbox,
        inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline,
        caplog.at_level(logging.INFO, logger="ingest.reprocess"),
    ):
        outcomes = reprocess(pipeline, [e.csv for e in exports], root=root, batch_files=1)
        assert [o.kind for o in outcomes] == ["done"] * 3, [o.message for o in outcomes]
        assert sandbox.client.stats.rate_limited == 0, "the client paced itself; the cap never answered 429"
        assert sandbox.requests("POST /assay-results") == 3
    assert (
        len(shown) == 1
        and shown[0].startswith("waiting ")
        and shown[0].endswith(" s for the hourly results cap")
    )
    seconds = float(shown[0].split()[1])
    assert 3000 < seconds <= 3600
    assert notice.latest == shown[0]
    assert any("for the hourly results cap" in r.getMessage() for r in caplog.records)
    notice.clear()
    assert notice.latest is None


def test_without_a_display_the_notice_still_logs(caplog: pytest.LogCaptureFixture) -> None:
    notice = WaitNotice()
    with caplog.at_level(logging.INFO, logger="ingest.reprocess"):
        notice(PacingWait("results_hourly_cap", 12.0))
    assert notice.latest == "waiting 12 s for the hourly results cap"
    assert "waiting 12 s for the hourly results cap" in caplog.text
