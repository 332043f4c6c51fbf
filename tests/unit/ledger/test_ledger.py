from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import LedgerError
from ingest.ledger.sqlite import Ledger
from ingest.models import SourceFile


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def source(path: str = "/drop/a.csv", sha: str = "aa", size: int = 10, mtime: int = 1) -> SourceFile:
    return SourceFile(path=Path(path), sha256=sha, size=size, mtime_ns=mtime, members=(Path(path),))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    with Ledger(tmp_path / "ledger.sqlite", clock=FakeClock()) as led:
        yield led


def test_discovered_twice_returns_same_row(ledger: Ledger) -> None:
    first = ledger.record_discovered(source())
    again = ledger.record_discovered(source())
    assert first.id == again.id
    assert ledger.counts()["discovered"] == 1
    assert ledger.is_known(Path("/drop/a.csv"), 10, 1)
    assert not ledger.is_known(Path("/drop/a.csv"), 10, 2)


def test_forward_transitions_and_events(ledger: Ledger) -> None:
    row = ledger.record_discovered(source())
    ledger.transition(row.id, "planned", plan={"run": {"id": "r1"}}, run_id="r1", parser="p")
    ledger.record_blob(row.id, "source", "blob-1")
    ledger.transition(row.id, "blobs_uploaded")
    ledger.update(row.id, inflight="run")
    assert ledger.get(row.id).inflight == "run"
    ledger.transition(row.id, "run_created")
    done = ledger.transition(row.id, "done", result_ids=["x", "y"])
    assert done.state == "done"
    assert done.inflight is None
    assert done.blob_ids == {"source": "blob-1"}
    assert done.result_ids == ["x", "y"]
    assert done.plan == {"run": {"id": "r1"}}
    assert [e["to_state"] for e in ledger.events(row.id)] == [
        "discovered",
        "planned",
        "blobs_uploaded",
        "run_created",
        "done",
    ]
    assert ledger.last_success() is not None


def test_illegal_transition_is_refused(ledger: Ledger) -> None:
    row = ledger.record_discovered(source())
    with pytest.raises(LedgerError, match="cannot move from 'discovered' to 'done'"):
        ledger.transition(row.id, "done")
    assert ledger.get(row.id).state == "discovered"


def test_transient_failure_waits_then_is_pending_again(tmp_path: Path) -> None:
    clock = FakeClock()
    with Ledger(tmp_path / "l.sqlite", clock=clock) as ledger:
        row = ledger.record_discovered(source())
        ledger.record_transient_failure(row.id, {"message": "503"}, retry_at=clock.now + 60)
        assert ledger.pending() == []
        assert [r.id for r in ledger.pending(include_waiting=True)] == [row.id]
        clock.now += 61
        pending = ledger.pending()
        assert [r.id for r in pending] == [row.id]
        assert pending[0].attempts == 1
        assert pending[0].last_error == {"message": "503"}


def test_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger(path) as ledger:
        row = ledger.record_discovered(source())
        ledger.transition(row.id, "planned", run_id="r1")
    with Ledger(path) as ledger:
        assert ledger.get(row.id).state == "planned"
        assert [r.id for r in ledger.pending()] == [row.id]


def test_new_version_at_same_path_links_previous(ledger: Ledger) -> None:
    first = ledger.record_discovered(source(sha="aa", mtime=1))
    second = ledger.record_discovered(source(sha="bb", mtime=2))
    assert second.previous_version == first.id
    assert [r.id for r in ledger.by_sha("aa")] == [first.id]


def test_counters_accumulate(ledger: Ledger) -> None:
    ledger.add_counter("requests", 3)
    ledger.add_counter("requests", 2)
    assert ledger.counters() == {"requests": 5}
