"""Files that fight back, dropped under a running ``watch`` (the real CLI): a name that is not UTF-8,
names near the 255-byte limit, links to inside and to outside the watched folder. The service keeps
running; each is ingested or quarantined with a reason and a report whose name fits."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from integration.service.service_rig import (
    LC_HEADER,
    ServiceRig,
    lc_rows,
    samples,
    write_lc_export,
    write_trace,
)

from ingest.file_names import MAX_NAME_LENGTH

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="names as arbitrary bytes and symlinks as a user are POSIX things"
)


def write_export_named(folder: Path, name: str, trace_stem: str, numbers: list[int], *, tag: str) -> int:
    """An LC export called ``name`` (any length, any bytes) whose rows name ``<trace_stem>_trace.csv``."""
    write_trace(folder, trace_stem)
    rows = lc_rows(trace_stem, samples(*numbers), tag=tag)
    with open(os.fsencode(folder) + b"/" + os.fsencode(name), "wb") as stream:
        stream.write((LC_HEADER + "".join(rows)).encode("utf-8"))
    return len(rows)


def reports_under(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.rglob("*.error.json") if p.is_file()
    }


def test_hostile_names_and_links_are_quarantined_or_ingested_and_the_service_keeps_going(
    rig: ServiceRig,
) -> None:
    inbox = rig.inbox
    hostile_name = os.fsdecode(b"bad-\xff\xfe-name.csv")
    write_export_named(inbox, hostile_name, "hostile", [1], tag="-hostile")
    long_good = "G" * 246 + ".csv"  # 250 bytes
    good_rows = write_export_named(inbox, long_good, "longgood", [1, 2], tag="-longgood")
    long_bad = "B" * 246 + ".csv"  # fails to resolve: SMP-902 is not registered
    write_export_named(inbox, long_bad, "longbad", [902], tag="-longbad")
    real, real_rows = write_lc_export(inbox, "real", samples(3), tag="-real")
    (inbox / "alias.csv").symlink_to(real)  # a second name for real.csv: skipped while real.csv is there
    secret, _ = write_lc_export(rig.base / "elsewhere", "secret", samples(4), tag="-secret")
    (inbox / "outside.csv").symlink_to(secret)  # a link out of the folder: never read
    (inbox / "loopa.csv").symlink_to(inbox / "loopb.csv")  # links that lead nowhere: quarantined as links
    (inbox / "loopb.csv").symlink_to(inbox / "loopa.csv")

    with rig.start_watch() as watch:
        # Rows: the long good one, the long bad one and real. None for the link and the hostile name.
        watch.wait_settled(3, timeout=60)
        # Once real.csv is archived, alias.csv leads nowhere: quarantined as a link, like the two loops.
        watch.wait_for(lambda: len(reports_under(rig.failed)) == 6, "six quarantine reports")
        reports = reports_under(rig.failed)
        # The service is still taking files afterwards.
        _, later_rows = write_lc_export(inbox, "later", samples(5), tag="-later")
        watch.wait_settled(4, timeout=60)
        # Retry puts the renamed file back under its printable name, and the watch takes it.
        [renamed] = [r for r in reports.values() if r["stage"] == "watch" and r["details"]["kind"] == "name"]
        printable = str(renamed["quarantined_as"])
        retried = rig.run_cli(
            "retry", rig.failed / printable, "--failed", rig.failed, "--ledger", rig.ledger_path
        )
        assert "1 file(s) put back in line" in retried.stdout, retried.stdout + retried.stderr
        watch.wait_settled(5, timeout=60)
        assert watch.stop() == 0, watch.log()
    log = watch.log()
    assert "Traceback" not in log and "Logging error" not in log, log[-3000:]

    rows = {r.path.name: r for r in rig.rows()}
    assert sorted(rows) == sorted([long_good, long_bad, "real.csv", "later.csv", printable])
    states = [rows[name].state for name in (long_good, "real.csv", "later.csv", printable, long_bad)]
    assert states == ["done", "done", "done", "done", "failed"], rig.describe()

    runs = rig.runs_by_sha()
    assert len(runs) == 4, "one run each: the long good export, real.csv, later.csv, the renamed file"
    assert len(rig.sandbox.store.results(rows[long_good].run_id)) == good_rows
    assert len(rig.sandbox.store.results(rows["later.csv"].run_id)) == later_rows
    assert len(rig.sandbox.store.results(rows["real.csv"].run_id)) == real_rows
    assert rows[printable].sha256 == renamed["sha256"], "the content read at quarantine is what came back"
    assert not os.path.lexists(inbox / "alias.csv"), "a second name for real.csv, dangling once archived"

    assert all(len(os.fsencode(name)) <= MAX_NAME_LENGTH for name in reports)
    [bad_report] = [r for r in reports.values() if r["stage"] == "resolve"]
    assert bad_report["file"] == long_bad and bad_report["original_name"] == long_bad
    assert rows[long_bad].final_path is not None and rows[long_bad].final_path.is_file()
    assert len(os.fsencode(rows[long_bad].final_path.name)) < len(long_bad.encode())

    assert renamed["original_name_hex"] == b"bad-\xff\xfe-name.csv".hex()
    assert "bad-\\xff\\xfe-name.csv" in str(renamed["reason"])
    assert printable.isprintable() and printable.startswith("bad-__-name~")
    [link_report] = [
        r for r in reports.values() if r["stage"] == "watch" and r["details"]["kind"] == "outside"
    ]
    assert "resolves outside its watched folder" in str(link_report["reason"])
    assert link_report["sha256"] is None, "what a link to elsewhere holds is never read"
    assert (rig.failed / "outside.csv").is_symlink()
    loops = [r for r in reports.values() if r["stage"] == "watch" and r["details"]["kind"] == "broken_link"]
    assert sorted(str(r["file"]).rsplit("/", 1)[-1] for r in loops) == ["alias.csv", "loopa.csv", "loopb.csv"]
    assert all("leads nowhere" in str(r["reason"]) and r["sha256"] is None for r in loops)
    assert all((rig.failed / name).is_symlink() for name in ("alias.csv", "loopa.csv", "loopb.csv"))
    assert not os.path.lexists(inbox / "loopa.csv") and not os.path.lexists(inbox / "loopb.csv")
    assert secret.is_file(), "what the link pointed to is left alone"
    assert all(os.fsencode(p.name).decode("utf-8", "strict") for p in rig.failed.rglob("*"))
    assert not os.path.lexists(os.fsencode(inbox) + b"/bad-\xff\xfe-name.csv")


def test_a_name_near_the_limit_archived_twice_goes_to_a_group_folder_that_fits(rig: ServiceRig) -> None:
    name = "N" * 249 + ".csv"  # 253 bytes: "<stem> (1).csv" would be 257
    with rig.start_watch() as watch:
        watch.wait_watching()
        write_export_named(rig.inbox, name, "near-limit-1", [1], tag="-limit1")
        watch.wait_settled(1)
        write_export_named(rig.inbox, name, "near-limit-2", [2], tag="-limit2")
        watch.wait_settled(2)
        assert watch.stop() == 0, watch.log()
    first, second = rig.rows()
    assert first.state == second.state == "done", rig.describe()
    assert first.final_path is not None and second.final_path is not None
    assert first.final_path.name == name
    # The second export and its trace keep their names in a numbered folder (the export still names
    # its trace); the folder's name fits.
    assert second.final_path.name == name
    assert second.final_path.parent == first.final_path.parent / ("N" * 249 + " (1)")
    assert len(os.fsencode(second.final_path.parent.name)) <= MAX_NAME_LENGTH
    assert (second.final_path.parent / "near-limit-2_trace.csv").is_file()
    assert second.final_path.read_bytes() != first.final_path.read_bytes()
