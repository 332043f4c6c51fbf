"""``status``'s report and exit codes: failed files (1), no live watch service (2), both (3); an
attachment that uploaded fine is not a failure; requests published by a running service count."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from ingest.commands.status import status_command
from ingest.ledger import SqliteLedger
from ingest.models import SourceFile
from ingest.operations.status import status_report


def discovered(ledger: SqliteLedger, path: Path) -> int:
    return ledger.record_discovered(SourceFile(path, path.name * 8, 1, 1, (path,))).id


def failed_ledger(path: Path) -> None:
    with SqliteLedger(path) as ledger:
        bad = discovered(ledger, path.parent / "bad.csv")
        ledger.mark_failed(bad, {"message": "Sample SMP-933 is not registered.", "stage": "resolve"})


def test_no_failures_and_a_live_watch_is_0_and_its_live_requests_count(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with SqliteLedger(path) as watch:
        watch.register_instance("watch", [tmp_path / "inbox"])
        watch.publish_snapshot({"requests": {"total": 12, "rate_limited": 1}, "outcomes": {"done": 1}})
        report = status_report(path)
    assert report["exit_code"] == 0
    assert report["service"]["state"] == "running"
    [running] = report["service"]["running"]
    assert running["command"] == "watch" and running["outcomes"] == {"done": 1}
    assert report["counters"]["requests"] == 12 and report["counters"]["rate_limited"] == 1


def test_failed_files_without_a_service_is_3_and_1_when_the_service_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    failed_ledger(path)
    report = status_report(path)
    assert (report["exit_code"], report["service"]["state"]) == (3, "none")
    [failure] = report["recent_failures"]
    assert failure["reason"] == "Sample SMP-933 is not registered."
    assert status_report(path, check_service=False)["exit_code"] == 1


def test_a_watch_whose_heartbeat_stopped_is_stale_2(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    long_ago = time.time() - 1000
    with SqliteLedger(path, clock=lambda: long_ago) as killed:
        killed.register_instance("watch")
        report = status_report(path)
    assert (report["exit_code"], report["service"]["state"]) == (2, "stale")


def test_an_attachment_that_uploaded_fine_is_not_listed_as_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with SqliteLedger(path) as ledger:
        export = ledger.get(discovered(ledger, tmp_path / "run.csv"))
        trace = discovered(ledger, tmp_path / "run_trace.csv")
        ledger.record_transient_failure(
            trace, {"message": "No parser reads run_trace.csv yet.", "stage": "parse"}, retry_at=0.0
        )
        ledger.mark_attachment(trace, export)
    report = status_report(path, check_service=False)
    assert report["recent_failures"] == []
    assert report["exit_code"] == 0


def test_the_command_exits_with_the_code_and_prints_the_last_success_in_words(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    failed_ledger(path)
    result = CliRunner().invoke(status_command, ["--ledger", str(path)])
    assert result.exit_code == 3, result.output
    assert "Last success: none" in result.output
    assert "Sample SMP-933 is not registered." in result.output
    assert "no watch has used this ledger" in result.output
    assert "Exit code 3: both." in result.output
    assert "Exit codes" in CliRunner().invoke(status_command, ["--help"]).output
