"""``benchling-ingest reprocess``: date and glob selection, a dry run that writes nothing, batched creates,
and a second run that creates nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from integration.service.service_rig import ServiceRig, field_value, samples, write_lc_export

#: name -> the day of January 2026 it was last modified (noon, local time)
ARCHIVE = {
    "plate-a-1": 1,
    "plate-a-2": 2,
    "plate-b-3": 3,
    "plate-a-4": 4,
    "plate-b-5": 5,
    "plate-b-6": 6,
}


def make_archive(folder: Path) -> dict[str, Path]:
    exports = {}
    for number, (stem, day) in enumerate(ARCHIVE.items(), start=1):
        export, _ = write_lc_export(folder, stem, samples(number, number + 6), tag=f"-backfill{number}")
        noon = dt.datetime(2026, 1, day, 12, 0).timestamp()
        os.utime(export, (noon, noon))
        exports[stem] = export
    return exports


def selected(stdout: str) -> set[str]:
    """The files a dry run lists ('plate-a-2.csv: would ingest: 1 run, 4 result(s)')."""
    return set(re.findall(r"^(\S+)\.csv: would ingest", stdout, flags=re.MULTILINE))


@pytest.mark.variant_matrix
def test_reprocess_selects_by_date_and_glob_batches_creates_and_repeats_nothing(rig: ServiceRig) -> None:
    folder = rig.base / "old-exports"
    exports = make_archive(folder)
    ledger = ("--ledger", rig.ledger_path)

    by_date = rig.run_cli(
        "reprocess", folder, "--since", "2026-01-02", "--until", "2026-01-05", "--dry-run", *ledger
    )
    assert by_date.returncode == 0, by_date.stderr
    assert selected(by_date.stdout) == {"plate-a-2", "plate-b-3", "plate-a-4"}
    assert "3 file(s) selected, 0 with problems; nothing written (dry run)." in by_date.stdout
    by_glob = rig.run_cli("reprocess", folder, "--glob", "plate-b-*", "--dry-run", *ledger)
    assert by_glob.returncode == 0, by_glob.stderr
    assert selected(by_glob.stdout) == {"plate-b-3", "plate-b-5", "plate-b-6"}

    # The dry runs read the tenant and wrote nothing anywhere.
    assert rig.sandbox.store.runs() == [] and rig.sandbox.store.blobs() == []
    assert rig.post_count() == 0
    assert rig.sandbox.request_log.count(method="GET") > 0
    assert rig.rows() == []

    wanted = {"plate-a-2", "plate-b-3", "plate-a-4", "plate-b-5", "plate-b-6"}
    first = rig.run_cli("reprocess", folder, "--since", "2026-01-02", *ledger)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "5 file(s): 5 done" in first.stdout
    runs = rig.runs_by_sha()
    rows = {r.path.stem: r for r in rig.rows()}
    assert set(rows) == wanted and all(r.state == "done" for r in rows.values())
    assert sorted(runs) == sorted(r.sha256 for r in rows.values())
    assert all(len(found) == 1 for found in runs.values())
    for stem, record in rows.items():
        assert len(rig.sandbox.store.results(record.run_id)) == 4, stem
        assert record.path == exports[stem] and exports[stem].is_file(), "reprocess leaves files in place"
    run_posts = rig.post_count("/api/v2/assay-runs")
    assert 1 <= run_posts < len(wanted), f"{run_posts} POST /assay-runs for {len(wanted)} files"
    assert {field_value(run, "file_sha256") for run in rig.sandbox.store.runs()} == set(runs)

    posts_before = rig.post_count()
    stored_before = (
        len(rig.sandbox.store.runs()),
        len(rig.sandbox.store.results()),
        len(rig.sandbox.store.blobs()),
    )
    second = rig.run_cli("reprocess", folder, "--since", "2026-01-02", *ledger)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "5 file(s): 5 already_done" in second.stdout
    assert rig.post_count() == posts_before
    assert (
        len(rig.sandbox.store.runs()),
        len(rig.sandbox.store.results()),
        len(rig.sandbox.store.blobs()),
    ) == stored_before
