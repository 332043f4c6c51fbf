"""Quarantine with a reason, ``retry`` putting a fixed file back under a running ``watch``, ``status``."""

from __future__ import annotations

import json

from integration.service.service_rig import ServiceRig, field_value, samples, write_lc_export


def test_a_quarantined_file_fixed_and_retried_is_taken_by_the_running_watch(rig: ServiceRig) -> None:
    export, n_rows = write_lc_export(rig.inbox, "unregistered", samples(1, 902), tag="-quarantine")
    quarantined = rig.failed / "unregistered.csv"
    report_path = rig.failed / "unregistered.csv.error.json"
    with rig.start_watch() as watch:
        watch.wait_settled(1)
        [failed] = rig.rows()
        assert failed.state == "failed" and failed.last_error is not None
        assert failed.last_error["stage"] == "resolve"
        assert "SMP-902" in failed.last_error["message"]
        assert not export.exists() and quarantined.is_file() and failed.final_path == quarantined
        report = json.loads(report_path.read_text(encoding="utf-8"))
        assert report["file"] == "unregistered.csv" and report["stage"] == "resolve"
        assert "SMP-902" in report["reason"] and report["sha256"] == failed.sha256
        assert rig.sandbox.store.runs() == []

        # The lab registers the right sample ID in the export, then asks for it to be taken again.
        fixed = quarantined.read_text(encoding="utf-8").replace("SMP-902", "SMP-012")
        quarantined.write_text(fixed, encoding="utf-8")
        retried = rig.run_cli("retry", "--all", "--failed", rig.failed, "--ledger", rig.ledger_path)
        assert retried.returncode == 0, retried.stderr
        assert "1 file(s) put back in line" in retried.stdout
        watch.wait_settled(2)
        assert watch.stop() == 0, watch.log()

    first, second = rig.rows()
    assert (first.id, first.state, first.final_path) == (failed.id, "failed", None)
    assert second.state == "done" and second.path == export and second.previous_version == failed.id
    [run] = rig.sandbox.store.runs()
    assert run["id"] == second.run_id
    results = rig.sandbox.store.results(run["id"])
    assert len(results) == n_rows
    assert {field_value(r, "sample") for r in results} == {"bfi_smp001", "bfi_smp012"}
    assert second.final_path is not None and second.final_path.read_text(encoding="utf-8") == fixed
    assert not quarantined.exists() and not report_path.exists()


def test_status_json_reports_counts_failures_last_success_and_requests(rig: ServiceRig) -> None:
    good = [write_lc_export(rig.inbox, f"good-{i}", samples(i + 1), tag=f"-status{i}")[0] for i in range(2)]
    bad, _ = write_lc_export(rig.inbox, "bad", samples(3, 933), tag="-status-bad")
    with rig.start_watch() as watch:
        watch.wait_settled(3)
        # The request counters are written to the ledger when the service stops.
        assert watch.stop() == 0, watch.log()

    result = rig.run_cli("status", "--json", "--ledger", rig.ledger_path)
    # A failed file (1) and no watch running any more (2).
    assert result.returncode == 3, result.stderr
    status = json.loads(result.stdout)
    assert status["ledger"] == str(rig.ledger_path)
    assert {k: v for k, v in status["counts"].items() if v} == {"done": 2, "failed": 1}
    assert status["oldest_pending"] is None
    [failure] = status["recent_failures"]
    assert failure["path"] == str(bad) and failure["state"] == "failed"
    assert "SMP-933" in failure["reason"]
    assert failure["quarantined_at"] == str(rig.failed / "bad.csv")
    last = status["last_success"]
    assert last["path"] in {str(p) for p in good}
    assert last["run_id"] in {run["id"] for run in rig.sandbox.store.runs()}
    assert status["counters"]["requests"] == rig.sandbox.request_log.count() > 0
