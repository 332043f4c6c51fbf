"""A share outage during ``watch``: the watched folder is renamed away and back while the service runs,
with files arriving before, during (into the folder while it is away, as a share keeps filling on its
server) and after. Every file becomes exactly one run; nothing is quarantined."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from reliability.harness import assert_each_once, open_test_pipeline

from ingest.filing import FilingOptions
from ingest.pipeline import IngestService, Outcome
from ingest.sandbox import SandboxServer
from ingest.watch import DEFAULT_EXCLUDES, FolderWatcher, WatchOptions
from tests.support.corpus import TRACE_GLOB, GoodExport, write_corpus

PER_PHASE = 5
WAIT_SECONDS = 60.0


def wait_done(outcomes: queue.Queue[Outcome], count: int) -> list[Outcome]:
    taken: list[Outcome] = []
    while sum(o.kind == "done" for o in taken) < count:
        try:
            taken.append(outcomes.get(timeout=WAIT_SECONDS))
        except queue.Empty:
            raise AssertionError(f"only {len(taken)} outcome(s) within {WAIT_SECONDS} s: {taken}") from None
    return taken


def test_folder_renamed_away_and_back_during_watch(
    tmp_path: Path, sandbox: SandboxServer, map_without_png: Path
) -> None:
    inbox, away = tmp_path / "share" / "inbox", tmp_path / "share" / "inbox-offline"
    inbox.mkdir(parents=True)
    filing = FilingOptions(tmp_path / "archive", tmp_path / "failed")
    outcomes: queue.Queue[Outcome] = queue.Queue()
    exports: list[GoodExport] = []
    with open_test_pipeline(sandbox, tmp_path / "state", map_without_png, filing=filing) as pipeline:
        options = WatchOptions(
            settle_seconds=0.3, rescan_seconds=0.5, exclude=(*DEFAULT_EXCLUDES, TRACE_GLOB)
        )
        watcher = FolderWatcher([inbox], options, is_known=pipeline.ledger.is_known)
        service = IngestService(pipeline, watcher, workers=2, poll_seconds=0.2, on_outcome=outcomes.put)
        thread = threading.Thread(target=service.run, name="watch-under-outage")
        thread.start()
        try:
            exports += write_corpus(inbox, PER_PHASE, seed=11, start=0)
            seen = wait_done(outcomes, PER_PHASE)

            inbox.rename(away)
            exports += write_corpus(away, PER_PHASE, seed=11, start=100)
            # Let several rescans find the folder missing before it comes back.
            threading.Event().wait(2.0)
            assert outcomes.empty(), "nothing can be ingested while the folder is away"
            away.rename(inbox)
            exports += write_corpus(inbox, PER_PHASE, seed=11, start=200)
            seen += wait_done(outcomes, 2 * PER_PHASE)
        finally:
            service.stop()
            thread.join(timeout=30)
        assert not thread.is_alive()
        assert pipeline.ledger.counts()["done"] == 3 * PER_PHASE
        assert pipeline.ledger.counts()["failed"] == 0
    assert [o.kind for o in seen] == ["done"] * (3 * PER_PHASE), [(o.kind, o.message) for o in seen]
    assert_each_once(sandbox, exports)
    assert list(inbox.iterdir()) == [], "every export and its trace file went to the archive"
