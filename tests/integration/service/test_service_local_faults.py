"""Transient local errors before a file's ledger row exists (the ledger locked by another process, its
disk full) hold a file back but never drop it: the service keeps running, the watcher offers the file
again with backoff, and once the ledger can write again it is ingested once, without a restart."""

from __future__ import annotations

import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from integration.service.conftest import inprocess_pipeline
from integration.service.service_rig import samples, write_lc_export

from ingest.filing import FilingOptions
from ingest.ledger import FileRecord, SqliteLedger
from ingest.models import SourceFile
from ingest.pipeline import IngestService, Outcome
from ingest.sandbox import SandboxServer
from ingest.watch import DEFAULT_EXCLUDES, FolderWatcher, WatchOptions

FAILURES_BEFORE_RELIEF = 3


class StrugglingLedger(SqliteLedger):
    """A real SQLite ledger that gives up on a busy database after 0.1 s (the CLI's waits 30 s), counts
    the new rows it failed to write, and, while ``disk_full`` is set, fails them as SQLite does when
    its disk is full (the fault injected at the ledger's write, the one seam a full disk reaches)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._db.execute("PRAGMA busy_timeout = 100")
        self.disk_full = False
        self.failed_writes = 0
        self.struggled = threading.Event()

    def record_discovered(self, source: SourceFile, **options: Any) -> FileRecord:
        try:
            if self.disk_full:
                raise sqlite3.OperationalError("database or disk is full")
            return super().record_discovered(source, **options)
        except sqlite3.OperationalError:
            self.failed_writes += 1
            if self.failed_writes >= FAILURES_BEFORE_RELIEF:
                self.struggled.set()
            raise


@pytest.mark.parametrize("fault", ["locked by another process", "disk full"])
def test_a_ledger_that_cannot_write_holds_a_file_back_but_never_drops_it(
    sandbox: SandboxServer, tmp_path: Path, fault: str
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filing = FilingOptions(tmp_path / "archive", tmp_path / "failed")
    outcomes: queue.Queue[Outcome] = queue.Queue()
    with inprocess_pipeline(
        sandbox, tmp_path, filing_options=filing, ledger_type=StrugglingLedger
    ) as pipeline:
        ledger = pipeline.ledger
        assert isinstance(ledger, StrugglingLedger)
        options = WatchOptions(
            settle_seconds=0.2,
            rescan_seconds=0.5,
            exclude=(*DEFAULT_EXCLUDES, "*_trace.csv"),
            retry_max_seconds=0.5,
        )
        watcher = FolderWatcher([inbox], options, is_known=pipeline.is_finished)
        service = IngestService(pipeline, watcher, workers=2, poll_seconds=0.2, on_outcome=outcomes.put)
        blocker = sqlite3.connect(tmp_path / "state" / "ledger.sqlite", isolation_level=None)
        if fault == "disk full":
            ledger.disk_full = True
        else:
            blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        thread = threading.Thread(target=service.run, name="struggling-service")
        thread.start()
        try:
            _, n_rows = write_lc_export(inbox, "held-back", samples(1, 2), tag=f"-{fault.split()[0]}")
            assert ledger.struggled.wait(timeout=60), "the watcher stopped offering the file"
            assert outcomes.empty(), "nothing can be recorded while the ledger cannot write"
            assert ledger.in_state("discovered", "done", "failed") == []
            ledger.disk_full = False
            if blocker.in_transaction:
                blocker.execute("ROLLBACK")
            outcome = outcomes.get(timeout=60)
        finally:
            blocker.close()
            service.stop()
            thread.join(timeout=30)
        assert not thread.is_alive()
        assert outcome.kind == "done", outcome.message
        [record] = ledger.in_state("done")
        assert ledger.counts()["failed"] == 0
    assert not (tmp_path / "failed").exists() or not any((tmp_path / "failed").iterdir())
    [run] = sandbox.store.runs()
    assert run["id"] == record.run_id and len(sandbox.store.results(run["id"])) == n_rows
