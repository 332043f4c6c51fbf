"""The live state of a service: files in flight with their step, outcomes, the last files finished, and
the listeners (metrics) hearing of each finished file and timed step."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ingest.ledger import SqliteLedger
from ingest.models import SourceFile
from ingest.pipeline.outcome import Outcome
from ingest.pipeline.service_state import ServiceState


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Recorder:
    def __init__(self) -> None:
        self.finished: list[tuple[str, float | None]] = []
        self.steps: list[tuple[str, float]] = []

    def file_finished(self, outcome: Outcome, latency_seconds: float | None) -> None:
        self.finished.append((outcome.kind, latency_seconds))

    def step_timed(self, step: str, seconds: float) -> None:
        self.steps.append((step, seconds))


def outcome(tmp_path: Path, name: str, kind: str, *, mtime: float, run_id: str | None = None) -> Outcome:
    with SqliteLedger(":memory:") as ledger:
        path = tmp_path / name
        record = ledger.record_discovered(SourceFile(path, name * 4, 10, int(mtime * 1e9), (path,)))
    return Outcome(kind, dataclasses.replace(record, run_id=run_id), "message")


def test_a_file_in_flight_keeps_its_first_time_through_its_steps_and_leaves_when_finished(
    tmp_path: Path,
) -> None:
    clock = Clock(1000.0)
    state = ServiceState(clock=clock)
    state.begin(tmp_path / "a.csv", "parsing and planning")
    clock.now = 1005.0
    state.begin(tmp_path / "a.csv", "loading into Benchling")
    state.begin(tmp_path / "b.csv", "parsing and planning")
    files = state.files()
    assert [(f["path"], f["step"], f["since"]) for f in files["in_flight"]] == [
        (str(tmp_path / "a.csv"), "loading into Benchling", 1000.0),
        (str(tmp_path / "b.csv"), "parsing and planning", 1005.0),
    ]
    state.finish(outcome(tmp_path, "a.csv", "done", mtime=990.0, run_id="run_1"))
    state.drop(tmp_path / "b.csv")
    files = state.files()
    assert files["in_flight"] == []
    assert files["outcomes"] == {"done": 1}
    [recent] = files["recent"]
    assert (recent["path"], recent["kind"], recent["run_id"], recent["at"]) == (
        str(tmp_path / "a.csv"),
        "done",
        "run_1",
        1005.0,
    )


def test_recent_files_are_newest_first_bounded_and_waiting_is_not_finished(tmp_path: Path) -> None:
    state = ServiceState(clock=Clock(50.0), keep=2)
    for name in ("a.csv", "b.csv", "c.csv"):
        state.finish(outcome(tmp_path, name, "failed", mtime=1.0))
    state.finish(outcome(tmp_path, "d.csv", "waiting", mtime=1.0))
    files = state.files()
    assert [Path(f["path"]).name for f in files["recent"]] == ["c.csv", "b.csv"]
    assert files["outcomes"] == {"failed": 3, "waiting": 1}


def test_listeners_hear_drop_to_run_latency_for_new_runs_only_and_step_times(tmp_path: Path) -> None:
    state = ServiceState(clock=Clock(1100.0))
    heard = Recorder()
    state.subscribe(heard)
    state.finish(outcome(tmp_path, "a.csv", "done", mtime=1000.0, run_id="run_1"))
    state.finish(outcome(tmp_path, "b.csv", "adopted", mtime=1000.0, run_id="run_2"))
    state.timed("prepare", 0.25)
    assert heard.finished == [("done", 100.0), ("adopted", None)]
    assert heard.steps == [("prepare", 0.25)]
