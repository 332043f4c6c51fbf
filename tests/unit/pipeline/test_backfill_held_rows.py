"""Files another worker holds when a backfill reaches them (a second ``reprocess``, a ``watch`` or another
host on a shared ledger) are not left "waiting": the backfill takes them again at the end, until that
worker finished them or let them go, for up to its patience. The real pipeline over the in-process
sandbox; the other worker is a claim taken on the ledger here, the clock a fake (``sleep`` moves it)."""

from __future__ import annotations

from pathlib import Path

from ingest.ledger import FileRecord
from ingest.pipeline import Backfill, Pipeline
from ingest.watch import describe_path
from tests.support.corpus import write_export
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox


class Clock:
    """Fake monotonic time; ``sleep`` advances it and runs ``on_sleep`` (what the other worker does)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = lambda: None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds
        self.on_sleep()


def exports(root: Path, count: int) -> list[Path]:
    return [write_export(root, n, seed=3).csv for n in range(count)]


def held_by_another_worker(pipeline: Pipeline, path: Path, root: Path) -> int:
    """Record ``path`` and claim its row as another worker would; its ledger id."""
    admitted = pipeline.admit(describe_path(path), root=root)
    assert isinstance(admitted, FileRecord), admitted
    assert pipeline.ledger.claim(admitted.id) is not None
    return admitted.id


def test_a_row_another_worker_lets_go_is_taken_over_and_finished_at_the_end(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports(root, 4)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        row = held_by_another_worker(pipeline, paths[1], root)
        clock = Clock()
        clock.on_sleep = lambda: pipeline.ledger.release(row)  # the other worker dies or gives up
        seen: list[str] = []
        outcomes = Backfill(pipeline, batch_files=2, clock=clock, sleep=clock.sleep).run(
            paths, root=root, on_outcome=lambda o: seen.append(o.path.name)
        )
    assert sorted(o.kind for o in outcomes) == ["done"] * 4, [(o.path.name, o.message) for o in outcomes]
    assert seen == [p.name for p in (paths[0], paths[2], paths[3], paths[1])], "the held file comes last"
    assert clock.sleeps == 1
    assert len(sandbox.store.runs()) == 4


def test_a_row_the_other_worker_finished_meanwhile_is_already_done(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports(root, 3)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        row = held_by_another_worker(pipeline, paths[0], root)
        clock = Clock()

        def the_other_worker_finishes() -> None:
            pipeline.ledger.release(row)
            assert pipeline.ingest(describe_path(paths[0]), root=root).kind == "done"

        clock.on_sleep = the_other_worker_finishes
        outcomes = Backfill(pipeline, batch_files=3, clock=clock, sleep=clock.sleep).run(paths, root=root)
    assert [(o.path, o.kind) for o in outcomes] == [
        (paths[1], "done"),
        (paths[2], "done"),
        (paths[0], "already_done"),
    ]
    assert len(sandbox.store.runs()) == 3, "the held file became one run, not two"


def test_a_row_held_past_the_patience_stays_waiting_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    paths = exports(root, 2)
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path, filing=False) as pipeline:
        held_by_another_worker(pipeline, paths[0], root)
        clock = Clock()
        backfill = Backfill(pipeline, batch_files=2, held_patience_seconds=30, clock=clock, sleep=clock.sleep)
        outcomes = backfill.run(paths, root=root)
    assert [(o.path, o.kind) for o in outcomes] == [(paths[1], "done"), (paths[0], "waiting")]
    assert outcomes[1].held_elsewhere and "another worker" in outcomes[1].message
    assert 30 <= clock.now <= 31, "it waited out its patience, no longer"
    assert len(sandbox.store.runs()) == 1
