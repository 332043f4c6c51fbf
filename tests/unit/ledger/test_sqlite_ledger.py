"""The SQLite ledger backend: typed transitions, checkpoints, retries, and ledgers of earlier versions."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ingest.errors import LedgerError
from ingest.ledger import SqliteLedger
from ingest.models import BlobRef, SourceFile
from tests.support.plans import sample_plan


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def source(path: str = "/drop/a.csv", sha: str = "aa", size: int = 10, mtime: int = 1) -> SourceFile:
    return SourceFile(path=Path(path), sha256=sha, size=size, mtime_ns=mtime, members=(Path(path),))


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[SqliteLedger]:
    with SqliteLedger(tmp_path / "ledger.sqlite", clock=FakeClock()) as led:
        yield led


def test_discovered_twice_returns_same_row(ledger: SqliteLedger) -> None:
    first = ledger.record_discovered(source())
    again = ledger.record_discovered(source())
    assert first.id == again.id
    assert ledger.counts()["discovered"] == 1
    assert ledger.is_known(Path("/drop/a.csv"), 10, 1)
    assert not ledger.is_known(Path("/drop/a.csv"), 10, 2)


def test_forward_transitions_and_events(ledger: SqliteLedger) -> None:
    row = ledger.record_discovered(source())
    plan = sample_plan(run_id="r1")
    planned = ledger.mark_planned(row.id, plan)
    assert (planned.run_id, planned.parser) == ("r1", "lc_results_csv")
    ledger.record_blob(row.id, "export", "blob-1")
    ledger.mark_blobs_uploaded(row.id)
    ledger.mark_inflight(row.id, "run")
    assert ledger.get(row.id).inflight == "run"
    ledger.mark_run_created(row.id)
    ledger.mark_inflight(row.id, "results")
    ledger.record_transaction(row.id, "txn-1")
    done = ledger.mark_done(row.id, ["x", "y"])
    assert done.state == "done"
    assert done.inflight is None
    assert done.transaction_id == "txn-1"
    assert done.blob_ids == {"export": "blob-1"}
    assert done.result_ids == ["x", "y"]
    assert done.plan == plan
    assert [e["to_state"] for e in ledger.events(row.id)] == [
        "discovered",
        "planned",
        "blobs_uploaded",
        "run_created",
        "done",
    ]
    assert ledger.last_success() is not None


def test_illegal_transition_is_refused(ledger: SqliteLedger) -> None:
    row = ledger.record_discovered(source())
    with pytest.raises(LedgerError, match="cannot move from 'discovered' to 'done'"):
        ledger.mark_done(row.id, [])
    assert ledger.get(row.id).state == "discovered"


def test_transient_failure_waits_then_is_pending_again(tmp_path: Path) -> None:
    clock = FakeClock()
    with SqliteLedger(tmp_path / "l.sqlite", clock=clock) as ledger:
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
    with SqliteLedger(path) as ledger:
        row = ledger.record_discovered(source())
        ledger.mark_planned(row.id, sample_plan(run_id="r1"))
    with SqliteLedger(path) as ledger:
        assert ledger.get(row.id).state == "planned"
        assert [r.id for r in ledger.pending()] == [row.id]


def test_new_version_at_same_path_links_previous(ledger: SqliteLedger) -> None:
    first = ledger.record_discovered(source(sha="aa", mtime=1))
    second = ledger.record_discovered(source(sha="bb", mtime=2))
    assert second.previous_version == first.id
    assert [r.id for r in ledger.by_sha("aa")] == [first.id]


def test_counters_accumulate(ledger: SqliteLedger) -> None:
    ledger.add_counter("requests", 3)
    ledger.add_counter("requests", 2)
    assert ledger.counters() == {"requests": 5}


def test_failure_duplicate_attachment_and_reoffer(ledger: SqliteLedger) -> None:
    original = ledger.record_discovered(source("/drop/a.csv", sha="aa"))
    copy = ledger.record_discovered(source("/drop/copy.csv", sha="aa"))
    assert ledger.mark_duplicate(copy.id, original).duplicate_of == original.id
    failed = ledger.mark_failed(original.id, {"stage": "parse", "message": "bad header"})
    assert failed.state == "failed"
    assert failed.last_error == {"stage": "parse", "message": "bad header"}
    again = ledger.reoffer(original.id, detail="offered again")
    assert (again.state, again.last_error) == ("discovered", None)
    trace = ledger.record_discovered(source("/drop/a_trace.csv", sha="tt"))
    assert ledger.mark_attachment(trace.id, again).state == "attachment"
    details = [e["detail"] for e in ledger.events(trace.id)]
    assert details[-1] == f"uploaded with ledger row {original.id} (/drop/a.csv)"


def test_checkpoints_within_a_state_keep_the_state(ledger: SqliteLedger, tmp_path: Path) -> None:
    row = ledger.record_discovered(source(), root=Path("/drop"))
    ledger.record_problem(row.id, {"stage": "archive", "message": "disk full"})
    moved = ledger.record_final_path(row.id, tmp_path / "archive" / "a.csv")
    assert (moved.state, moved.final_path) == ("discovered", tmp_path / "archive" / "a.csv")
    released = ledger.release_file(row.id)
    assert (released.root, released.final_path) == (None, None)
    ledger.record_transient_failure(row.id, {"message": "503"}, retry_at=2e9)
    assert ledger.reschedule(row.id, retry_at=1.0).next_attempt_at == 1.0
    assert [r.id for r in ledger.pending()] == [row.id]


def test_a_ledger_written_by_the_previous_version_opens_with_its_plan_typed(tmp_path: Path) -> None:
    """The first version stored plans as JSON with ``{"$blob": key}`` markers; they decode to BlobRefs."""
    path = tmp_path / "old.sqlite"
    with SqliteLedger(path) as ledger:
        row = ledger.record_discovered(source())
    stored = {
        "source": "/drop/a.csv",
        "sha256": "aa",
        "parser": "lc_results_csv",
        "run": {"id": "r1", "schemaId": "s1", "fields": {"file": {"$blob": "export"}}, "projectId": "p"},
        "results": [{"id": "x1", "schemaId": "s2", "fields": {"run": "r1", "pngs": [{"$blob": "png#1"}]}}],
        "blobs": [
            {
                "key": "export",
                "name": "a.csv",
                "blob_type": "RAW_FILE",
                "mime_type": "text/csv",
                "path": "/drop/a.csv",
            }
        ],
    }
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "UPDATE files SET state = 'blobs_uploaded', plan = ?, run_id = 'r1', inflight = 'run',"
            " blob_ids = ? WHERE id = ?",
            (json.dumps(stored), json.dumps({"export": "b1"}), row.id),
        )
    db.close()
    with SqliteLedger(path) as ledger:
        record = ledger.get(row.id)
        plan = record.require_plan()
        assert record.inflight == "run"
        assert plan.run.fields == {"file": BlobRef("export")}
        assert plan.results[0].fields["pngs"] == [BlobRef("png#1")]
        assert plan.run_body({"export": "b1"}) == {
            "id": "r1",
            "schemaId": "s1",
            "fields": {"file": "b1"},
            "projectId": "p",
        }
        assert ledger.mark_run_created(row.id).state == "run_created"


def test_a_ledger_without_the_generation_column_gains_it_and_its_rows_are_generation_0(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    with SqliteLedger(path) as ledger:
        row = ledger.record_discovered(source())
    db = sqlite3.connect(path)
    with db:
        # As the first version left it: no generation column, no migration records, no instances.
        db.execute("ALTER TABLE files DROP COLUMN generation")
        db.execute("DROP TABLE schema_migrations")
        db.execute("DROP TABLE instances")
    db.close()
    # Several openers at once (a watch and a status, two workers' processes): one adds the column.
    start = threading.Barrier(6)

    def open_and_read() -> int:
        start.wait(timeout=10)
        with SqliteLedger(path) as opened:
            return opened.get(row.id).generation

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(lambda _: open_and_read(), range(6))) == [0] * 6
    with SqliteLedger(path) as ledger:
        planned = ledger.mark_planned(row.id, sample_plan(run_id="r2"), generation=3)
        assert planned.generation == 3


def test_a_new_plan_forgets_what_an_earlier_attempt_uploaded(ledger: SqliteLedger) -> None:
    row = ledger.record_discovered(source())
    ledger.mark_planned(row.id, sample_plan(run_id="r1"))
    ledger.record_blob(row.id, "export", "blob-1")
    ledger.record_transaction(row.id, "txn-1")
    ledger.mark_failed(row.id, {"message": "refused"})
    ledger.reoffer(row.id, detail="offered again")
    again = ledger.mark_planned(row.id, sample_plan(run_id="r1"))
    assert (again.blob_ids, again.transaction_id, again.result_ids) == ({}, None, [])


def test_adoption_skips_ahead_and_records_the_ids_benchling_holds(ledger: SqliteLedger) -> None:
    whole = ledger.record_discovered(source("/drop/a.csv", sha="aa"))
    ledger.mark_planned(whole.id, sample_plan(run_id="r1"))
    done = ledger.mark_done(whole.id, ["x", "y"], detail="adopted: run r1 and its results exist")
    assert (done.state, done.run_id, done.result_ids) == ("done", "r1", ["x", "y"])
    assert ledger.events(whole.id)[-1]["detail"] == "adopted: run r1 and its results exist"
    part = ledger.record_discovered(source("/drop/b.csv", sha="bb"))
    ledger.mark_planned(part.id, sample_plan(run_id="r2"))
    created = ledger.mark_run_created(part.id, run_id="server-7", detail="adopted")
    assert (created.state, created.run_id) == ("run_created", "server-7")
    ledger.mark_inflight(part.id, "results")
    ledger.record_transaction(part.id, "txn-1")
    assert ledger.mark_inflight(part.id, "results_commit").inflight == "results_commit"
    assert ledger.mark_done(part.id, ["z"]).run_id == "server-7"


def test_a_changed_row_is_terminal_until_the_same_version_is_offered_again(ledger: SqliteLedger) -> None:
    row = ledger.record_discovered(source())
    ledger.mark_planned(row.id, sample_plan(run_id="r1"))
    changed = ledger.mark_changed(row.id, detail="the file changed after it was read")
    assert changed.state == "changed" and changed.terminal
    assert ledger.pending() == [] and ledger.counts()["changed"] == 1
    assert ledger.events(row.id)[-1]["detail"] == "the file changed after it was read"
    assert ledger.reoffer(row.id, detail="settled").state == "discovered"
