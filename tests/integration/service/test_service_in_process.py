"""The service loop in this process, for what the CLI cannot be told: a client whose patience runs out
in a fraction of a second (the real one waits minutes, and hours for a 503), a pipeline that tries a
waiting file again after 0.2 s instead of 30 s, and two workers made to take two copies at once."""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from integration.service.conftest import inprocess_pipeline
from integration.service.service_rig import samples, write_lc_export

from ingest.benchling import RetryPolicy
from ingest.filing import FilingOptions
from ingest.ledger import FileRecord, SqliteLedger
from ingest.pipeline import IngestService, Outcome, Pipeline
from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from ingest.watch import DEFAULT_EXCLUDES, FolderWatcher, WatchOptions, describe_path

#: Two ambiguous sends per create, then the client gives up (the CLI's client tries 8 times over minutes).
IMPATIENT = RetryPolicy(
    initial_backoff=0.01, max_backoff=0.05, jitter=0.0, max_attempts=2, maintenance_patience_seconds=0.2
)


class RendezvousLedger(SqliteLedger):
    """A real ledger where two workers' duplicate look-ups meet twice: both copies are recorded before
    either reads, and both have read before either acts on it (the interleaving that used to mark each
    copy a duplicate of the other, so the content was never ingested). Only the two admissions' look-ups
    meet; later ones (the original, once planned, looking for duplicates to file) pass."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.rendezvous = threading.Barrier(2)
        self._lookups = 0
        self._counting = threading.Lock()

    def by_sha(self, sha256: str) -> list[FileRecord]:
        with self._counting:
            self._lookups += 1
            admission = self._lookups <= 2
        if not admission:
            return super().by_sha(sha256)
        self.rendezvous.wait(timeout=10)
        rows = super().by_sha(sha256)
        self.rendezvous.wait(timeout=10)
        return rows


def test_two_copies_taken_by_two_workers_at_once_give_exactly_one_run(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    export, n_rows = write_lc_export(inbox, "copy-1", samples(1, 2), tag="-race")
    shutil.copy(export, inbox / "copy-2.csv")
    sources = [describe_path(inbox / "copy-1.csv"), describe_path(inbox / "copy-2.csv")]
    with (
        inprocess_pipeline(sandbox, tmp_path, ledger_type=RendezvousLedger) as pipeline,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        outcomes = list(pool.map(pipeline.ingest, sources))

    assert sorted(o.kind for o in outcomes) == ["done", "duplicate"], [o.message for o in outcomes]
    [done] = [o.record for o in outcomes if o.kind == "done"]
    [duplicate] = [o.record for o in outcomes if o.kind == "duplicate"]
    assert duplicate.duplicate_of == done.id
    [run] = sandbox.store.runs()
    assert run["id"] == done.run_id
    assert len(sandbox.store.results(done.run_id)) == n_rows


@contextmanager
def running_service(pipeline: Pipeline, inbox: Path) -> Iterator[queue.Queue[tuple[Outcome, bool, bool]]]:
    """The service on ``inbox`` in a thread; yields (outcome, still in the inbox, anything quarantined)
    as each outcome is reported (taken inside the service's callback, so nothing moves meanwhile)."""
    reports: queue.Queue[tuple[Outcome, bool, bool]] = queue.Queue()
    failed_dir = pipeline.filing_options.failed_dir
    assert failed_dir is not None

    def report(outcome: Outcome) -> None:
        quarantined = failed_dir.exists() and any(failed_dir.rglob("*"))
        reports.put((outcome, outcome.record.path.exists(), quarantined))

    options = WatchOptions(settle_seconds=0.3, rescan_seconds=0.5, exclude=(*DEFAULT_EXCLUDES, "*_trace.csv"))
    watcher = FolderWatcher([inbox], options, is_known=pipeline.ledger.is_known)
    service = IngestService(pipeline, watcher, workers=2, poll_seconds=0.2, on_outcome=report)
    thread = threading.Thread(target=service.run, name="ingest-service")
    thread.start()
    try:
        yield reports
    finally:
        service.stop()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the service did not stop within 30 s"


@pytest.mark.parametrize(
    "faults",
    [
        FaultSpec(rules=(FaultRule(method="POST", path="/assay-runs", script=("503",) * 4),)),
        FaultSpec(maintenance_seconds=1.5),
    ],
    ids=["503-on-run-create", "maintenance-window"],
)
def test_a_transient_failure_beyond_the_clients_patience_leaves_the_file_and_finishes_later(
    sandbox: SandboxServer, tmp_path: Path, faults: FaultSpec
) -> None:
    inbox = tmp_path / "inbox"
    export, n_rows = write_lc_export(inbox, "during-trouble", samples(1, 2, 3), tag="-transient")
    filing = FilingOptions(tmp_path / "archive", tmp_path / "failed")
    with inprocess_pipeline(
        sandbox, tmp_path, retry_policy=IMPATIENT, retry_base_seconds=0.2, filing_options=filing
    ) as pipeline:
        sandbox.set_faults(faults)
        seen: list[tuple[Outcome, bool, bool]] = []
        with running_service(pipeline, inbox) as reports:
            while not seen or seen[-1][0].kind not in ("done", "failed"):
                seen.append(reports.get(timeout=30))

    waiting = [(o, in_inbox, quarantined) for o, in_inbox, quarantined in seen if o.kind == "waiting"]
    assert waiting, "the fault never reached the pipeline"
    for outcome, in_inbox, quarantined in waiting:
        assert outcome.record.state != "failed" and outcome.record.last_error is not None
        assert outcome.record.last_error["retryable"] is True
        assert in_inbox and not quarantined, "a transient failure moved the file"
    final = seen[-1][0]
    assert final.kind == "done", final.message
    assert final.record.attempts == len(waiting)
    assert not (tmp_path / "failed").exists()
    [run] = sandbox.store.runs()
    assert run["id"] == final.record.run_id
    assert len(sandbox.store.results(run["id"])) == n_rows
    assert not export.exists() and final.record.final_path is not None and final.record.final_path.is_file()
