"""``watch`` killed (SIGKILL) or stopped (SIGTERM/SIGINT) while it works, then started again: every good
file ends up as exactly one complete run, every bad one in quarantine, and no file is lost."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from integration.service.conftest import inprocess_pipeline, posix_signals
from integration.service.service_rig import (
    LC_HEADER,
    ServiceRig,
    lc_rows,
    samples,
    write_lc_export,
    write_trace,
)

from ingest.ledger import TERMINAL
from ingest.watch import describe_path

GOOD_FILES = 20
#: Seconds after the first ledger row within which the kills fall (20 files take about 7 s here).
KILL_WINDOW = 5.0
KILL_TRIALS = 5
#: Early, middle and late kills always run; the two slices between them with --run-slow (13 s each).
QUICK_TRIALS = (0, 2, 4)


@dataclass(frozen=True)
class Drop:
    """The files put into the drop folder: good exports with their expected result counts, bad exports."""

    good: dict[Path, int]
    bad: list[Path]
    content: dict[str, Path]  # sha256 of every input file (exports and traces) -> where it was dropped

    @property
    def files(self) -> int:
        return len(self.good) + len(self.bad)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def drop_files(inbox: Path, good: int) -> Drop:
    expected = {}
    for i in range(good):
        export, n_rows = write_lc_export(
            inbox, f"good-{i:02d}", samples(i % 20 + 1, (i + 7) % 20 + 1), tag=f"-{i}"
        )
        expected[export] = n_rows
    unknown_sample, _ = write_lc_export(inbox, "bad-unknown-sample", samples(901), tag="-bad")
    garbled = inbox / "bad-garbled.csv"
    write_trace(inbox, "bad-garbled")
    garbled.write_text(
        LC_HEADER + lc_rows("bad-garbled", samples(1))[0].replace(",2.11,", ",abc,"), encoding="utf-8"
    )
    content = {sha256_of(p): p for p in inbox.iterdir()}
    return Drop(expected, [unknown_sample, garbled], content)


def assert_everything_ingested_once(rig: ServiceRig, drop: Drop, note: str) -> None:
    rows = rig.rows()
    assert len(rows) == drop.files, f"{note}\n{rig.describe()}"
    by_path = {r.path: r for r in rows}
    runs = rig.runs_by_sha()
    for export, n_rows in drop.good.items():
        record = by_path[export]
        assert record.state == "done", f"{note}: {export.name} is {record.state}"
        assert len(runs.get(record.sha256, [])) == 1, f"{note}: {export.name} has {len(runs)} runs"
        assert runs[record.sha256][0]["id"] == record.run_id
        stored = rig.sandbox.store.results(record.run_id)
        assert sorted(r["id"] for r in stored) == sorted(record.result_ids), note
        assert len(stored) == n_rows, f"{note}: {export.name} has {len(stored)} of {n_rows} results"
    assert len(rig.sandbox.store.runs()) == len(drop.good), note
    assert len(rig.sandbox.store.results()) == sum(drop.good.values()), note
    for export in drop.bad:
        record = by_path[export]
        assert record.state == "failed", f"{note}: {export.name} is {record.state}"
        assert record.final_path is not None and record.final_path.parent == rig.failed, note
        report = record.final_path.with_name(record.final_path.name + ".error.json")
        assert record.final_path.is_file() and report.is_file(), f"{note}: {export.name} not quarantined"
    # Nothing deleted: every export left the drop folder, every input's content is still somewhere.
    left = {p.name for p in rig.inbox.rglob("*.csv") if not p.name.endswith("_trace.csv")}
    assert left == set(), f"{note}: exports still in the drop folder: {left}"
    kept = {
        sha256_of(p)
        for folder in (rig.inbox, rig.archive, rig.failed)
        for p in folder.rglob("*")
        if p.is_file()
    }
    lost = [p.name for sha, p in drop.content.items() if sha not in kept]
    assert lost == [], f"{note}: lost {lost}"


@posix_signals
@pytest.mark.parametrize(
    "trial", [t if t in QUICK_TRIALS else pytest.param(t, marks=pytest.mark.slow) for t in range(KILL_TRIALS)]
)
def test_killed_at_a_random_point_and_restarted_every_file_is_ingested_exactly_once(
    rig: ServiceRig, trial: int
) -> None:
    seed = int(os.environ.get("SERVICE_KILL_SEED", "20261122")) + trial
    # One slice of the window per trial, a random point within it: early, middle and late kills.
    delay = random.Random(seed).uniform(trial, trial + 1) * KILL_WINDOW / KILL_TRIALS
    drop = drop_files(rig.inbox, GOOD_FILES)

    with rig.start_watch() as first:
        first.wait_for(lambda: bool(rig.rows()), "the first ledger row", timeout=60)
        time.sleep(delay)  # the random kill point, not an assertion
        first.kill()
    at_kill = rig.rows()
    note = (
        f"trial {trial} (seed {seed}): killed {delay:.2f} s after the first row, with "
        f"{sum(r.state == 'done' for r in at_kill)} done and "
        f"{sum(r.state not in TERMINAL for r in at_kill)} in progress of {len(at_kill)} rows"
    )

    with rig.start_watch() as second:
        # Everything may have been done before the kill: the second watch must be running before it is
        # stopped, or the test would stop one still starting and learn nothing from it.
        second.wait_watching(timeout=90)
        second.wait_settled(drop.files, timeout=90)
        assert second.stop() == 0, second.log()
    assert_everything_ingested_once(rig, drop, note)


@posix_signals
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_ends_the_service_cleanly_and_a_restart_finishes_the_rest(
    rig: ServiceRig, sig: signal.Signals
) -> None:
    drop = drop_files(rig.inbox, 6)

    with rig.start_watch() as first:
        first.wait_for(
            lambda: any(r.state not in ("discovered",) for r in rig.rows()), "the first file to be planned"
        )
        code = first.stop(sig)
    # A stop in time: 0 after SIGTERM (a service manager's stop), 130 after Ctrl-C (SIGINT), as shells expect.
    expected = 130 if sig == signal.SIGINT else 0
    assert code == expected, first.log()
    assert "Stopped." in first.log()

    rows = rig.rows()
    # No half run: whatever reached the sandbox is complete; everything else is resumable from the ledger.
    for record in rows:
        assert record.inflight is None, f"{record.path.name} stopped with a create in flight"
        assert record.state in TERMINAL or record.state in ("discovered", "planned", "blobs_uploaded")
    done = {r.run_id: r for r in rows if r.state == "done"}
    assert {run["id"] for run in rig.sandbox.store.runs()} == set(done)
    for run_id, record in done.items():
        assert len(rig.sandbox.store.results(run_id)) == drop.good[record.path]

    # More exports arrive while the service is down; the restart takes them and repeats nothing.
    later = {
        write_lc_export(rig.inbox, f"later-{i}", samples(i + 3), tag=f"-later{i}")[0]: 2 for i in range(3)
    }
    arrived = {sha256_of(p): p for p in rig.inbox.iterdir() if p.is_file()}
    everything = Drop({**drop.good, **later}, drop.bad, {**drop.content, **arrived})
    with rig.start_watch() as second:
        second.wait_watching()
        second.wait_settled(everything.files)
        assert second.stop(sig) == expected, second.log()
    assert_everything_ingested_once(rig, everything, f"stopped with {sig.name}")


def test_files_a_killed_service_had_finished_but_not_moved_are_moved_on_restart(rig: ServiceRig) -> None:
    """A kill between saving ``done``/``failed`` and moving the file leaves a finished row whose file
    is still in the drop folder; the restarted service must move it, and create nothing again."""
    good, n_rows = write_lc_export(rig.inbox, "finished-not-archived", samples(1, 2), tag="-unmoved")
    bad, _ = write_lc_export(rig.inbox, "failed-not-quarantined", samples(1, 944), tag="-unmoved-bad")
    copy = rig.inbox / "duplicate-not-archived.csv"
    copy.write_bytes(good.read_bytes())
    # The ledger and the sandbox exactly as the kill left them: states saved, no file moved yet.
    with inprocess_pipeline(rig.sandbox, rig.base) as pipeline:
        outcomes = [pipeline.ingest(describe_path(p), root=rig.inbox) for p in (good, bad, copy)]
    assert [o.kind for o in outcomes] == ["done", "failed", "duplicate"]
    assert all(p.exists() for p in (good, bad, copy))
    posts = rig.post_count()

    with rig.start_watch() as watch:
        watch.wait_for(
            lambda: all(r.final_path is not None for r in rig.rows()), "every finished file to be moved"
        )
        assert watch.stop() == 0, watch.log()

    assert not good.exists() and not bad.exists() and not copy.exists()
    done, failed, duplicate = rig.rows()
    assert (done.state, failed.state, duplicate.state) == ("done", "failed", "duplicate")
    assert done.final_path is not None and done.final_path.is_relative_to(rig.archive)
    assert duplicate.final_path is not None and duplicate.final_path.is_relative_to(rig.archive)
    assert failed.final_path == rig.failed / "failed-not-quarantined.csv"
    report = json.loads((rig.failed / "failed-not-quarantined.csv.error.json").read_text(encoding="utf-8"))
    assert "SMP-944" in report["reason"]
    assert len(rig.sandbox.store.runs()) == 1
    assert len(rig.sandbox.store.results(done.run_id)) == n_rows
    assert rig.post_count() == posts, "finishing the move sent a create again"
