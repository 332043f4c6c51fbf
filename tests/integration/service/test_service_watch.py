"""``benchling-ingest watch`` as a subprocess: slow writers, duplicates, renames and a vanishing folder."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest
from integration.service.service_rig import (
    LC_HEADER,
    ServiceRig,
    field_value,
    lc_rows,
    samples,
    write_lc_export,
    write_trace,
)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_file_written_slowly_in_pieces_is_ingested_once_complete(rig: ServiceRig) -> None:
    stem = "slow-writer"
    rows = lc_rows(stem, samples(*range(1, 16)), tag="-slow")  # 30 result rows
    export = rig.inbox / f"{stem}.csv"
    write_trace(rig.inbox, stem)
    finished_at: list[float] = []

    def instrument_writes_slowly() -> None:
        with export.open("w", encoding="utf-8", newline="") as stream:
            stream.write(LC_HEADER)
            for start in range(0, len(rows), 2):
                stream.write("".join(rows[start : start + 2]))
                stream.flush()
                os.fsync(stream.fileno())
                time.sleep(0.1)  # the instrument's pace: well inside the 0.3 s settle window
        finished_at.append(time.time())

    with rig.start_watch() as watch:
        watch.wait_watching()
        writer = threading.Thread(target=instrument_writes_slowly, name="slow-writer")
        writer.start()
        try:
            watch.wait_settled(1)
        finally:
            writer.join()
        assert watch.stop() == 0, watch.log()

    [record] = rig.rows()
    assert record.state == "done"
    discovered_at = dt.datetime.fromisoformat(record.created_at).timestamp()
    assert discovered_at >= finished_at[0], "the file was taken before the writer finished"
    assert record.size == len((LC_HEADER + "".join(rows)).encode())
    [run] = rig.sandbox.store.runs()
    assert run["id"] == record.run_id
    assert len(rig.sandbox.store.results(record.run_id)) == len(rows) == 30
    assert record.final_path is not None
    assert record.final_path.read_text(encoding="utf-8") == LC_HEADER + "".join(rows)


@pytest.mark.variant_matrix
def test_the_same_file_dropped_twice_is_one_run_and_a_recorded_duplicate(rig: ServiceRig) -> None:
    original, n_rows = write_lc_export(rig.inbox, "dup-original", samples(1, 2, 3), tag="-dup")
    content = original.read_bytes()
    # Two names for one content, dropped together: whichever the service takes first is the original.
    (rig.inbox / "dup-copy-a.csv").write_bytes(content)
    with rig.start_watch() as watch:
        watch.wait_settled(2)
        # A third name, dropped once the first two are settled.
        (rig.inbox / "dup-copy-b.csv").write_bytes(content)
        watch.wait_settled(3)
        assert watch.stop() == 0, watch.log()

    rows = rig.rows()
    [done] = [r for r in rows if r.state == "done"]
    duplicates = [r for r in rows if r.state == "duplicate"]
    assert len(duplicates) == 2, rig.describe()
    assert {r.duplicate_of for r in duplicates} == {done.id}
    assert {r.sha256 for r in rows} == {done.sha256}
    [run] = rig.sandbox.store.runs()
    assert run["id"] == done.run_id and field_value(run, "file_sha256") == done.sha256
    assert len(rig.sandbox.store.results(run["id"])) == n_rows
    # Nothing deleted: the three exports (identical) and the trace are all in the archive.
    assert files_under(rig.inbox) == []
    archived = files_under(rig.archive)
    assert sorted(p.name for p in archived) == sorted(
        ["dup-original.csv", "dup-copy-a.csv", "dup-copy-b.csv", "dup-original_trace.csv"]
    )
    assert all(p.read_bytes() == content for p in archived if not p.name.endswith("_trace.csv"))
    assert {r.final_path for r in rows} == {p for p in archived if not p.name.endswith("_trace.csv")}


def test_a_file_renamed_into_the_folder_is_ingested(rig: ServiceRig) -> None:
    staging = rig.base / "staging"
    export, n_rows = write_lc_export(staging, "moved-in", samples(4, 5, 6, 7), tag="-moved")
    with rig.start_watch() as watch:
        watch.wait_watching()
        # The trace first, then the export: each arrives whole, by a rename on the same volume.
        os.replace(staging / "moved-in_trace.csv", rig.inbox / "moved-in_trace.csv")
        os.replace(export, rig.inbox / "moved-in.csv")
        watch.wait_settled(1)
        assert watch.stop() == 0, watch.log()

    [record] = rig.rows()
    assert record.state == "done" and record.path == rig.inbox / "moved-in.csv"
    assert len(rig.sandbox.store.results(record.run_id)) == n_rows
    assert len(rig.sandbox.store.runs()) == 1


def test_a_folder_that_goes_away_and_comes_back_is_watched_again_without_reingesting(
    rig: ServiceRig,
) -> None:
    write_lc_export(rig.inbox, "before-outage", samples(1, 2), tag="-before")
    away = rig.base / "inbox-away"
    with rig.start_watch() as watch:
        watch.wait_settled(1)
        os.rename(rig.inbox, away)
        watch.wait_for(lambda: "cannot be listed" in watch.log(), "the service to notice the outage")
        # Written while the folder was away (on the share, out of our sight): taken once it is back.
        write_lc_export(away, "during-outage", samples(3, 4), tag="-during")
        os.rename(away, rig.inbox)
        watch.wait_for(lambda: "available again" in watch.log(), "the service to notice the return")
        watch.wait_settled(2)
        write_lc_export(rig.inbox, "after-outage", samples(5, 6), tag="-after")
        watch.wait_settled(3)
        assert watch.stop() == 0, watch.log()

    rows = rig.rows()
    assert [(r.path.name, r.state) for r in rows] == [
        ("before-outage.csv", "done"),
        ("during-outage.csv", "done"),
        ("after-outage.csv", "done"),
    ]
    assert sorted(rig.runs_by_sha()) == sorted(r.sha256 for r in rows)
    assert all(len(runs) == 1 for runs in rig.runs_by_sha().values())
    assert "Traceback" not in watch.log()
