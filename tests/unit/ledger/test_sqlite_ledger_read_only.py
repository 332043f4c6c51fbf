"""A SQLite ledger this account may only read: ``status`` still reads it (instances included, stale
ones shown dead without writing that down), and a command that must register gets one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import LedgerError
from ingest.ledger.sqlite import SqliteLedger
from tests.support.watch_fakes import FakeClock


def read_only(ledger: SqliteLedger) -> None:
    # As a read-only file would (root writes through file modes, so the test uses SQLite's own switch).
    ledger._db.execute("PRAGMA query_only = ON")


def test_instances_are_read_from_a_read_only_ledger_and_a_silent_one_is_shown_dead(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "ledger.sqlite"
    writer = SqliteLedger(path, clock=clock, heartbeat_seconds=5)
    writer.register_instance("watch", [tmp_path / "inbox"])
    writer._instances._heartbeat.stop()  # the process hangs: no more beats
    reader = SqliteLedger(path, clock=clock, heartbeat_seconds=5)
    read_only(reader)
    try:
        assert [i.state for i in reader.instances(include_finished=True)] == ["running"]
        clock.now += 16  # three beats missed
        assert [i.state for i in reader.instances(include_finished=True)] == ["dead"]
        assert reader.instances() == []
    finally:
        reader.close()
        writer.close()


def test_registering_in_a_read_only_ledger_is_one_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    SqliteLedger(path).close()
    ledger = SqliteLedger(path)
    read_only(ledger)
    try:
        with pytest.raises(LedgerError, match=r"Ledger '.*ledger\.sqlite' cannot be written .*readonly"):
            ledger.register_instance("run")
    finally:
        ledger._db.execute("PRAGMA query_only = OFF")
        ledger.close()
