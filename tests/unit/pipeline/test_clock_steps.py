"""A running pipeline's waits when the wall clock steps (fake wall and monotonic clocks, no sleeps): a
trace file waiting for an export that names it waits its grace in seconds that go by, not until the wall
clock reads the time it would have read, and a step forward does not end the grace early."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.filing import FilingOptions
from ingest.ledger import SqliteLedger
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import render_png
from ingest.resolve import CachedEntities, CachedTenant, ClientEntities, ClientTenant, load_schema_map
from ingest.watch.source_file import describe_path
from parsers import discover_parsers
from tests.support.inprocess_pipeline import inprocess_sandbox
from tests.support.paths import REPO, SCHEMAS_MAP
from tests.support.watch_fakes import FakeClock

TRACE = REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std_trace.csv"
GRACE = 8.0
HOUR = 3600.0


@contextmanager
def stepping_pipeline(work: Path, wall: FakeClock, monotonic: FakeClock) -> Iterator[Pipeline]:
    """A pipeline and its SQLite ledger on a wall clock the test steps and a monotonic clock it moves."""
    registry = discover_parsers()
    with inprocess_sandbox() as sandbox:
        ledger = SqliteLedger(work / "state" / "ledger.sqlite", clock=wall, monotonic=monotonic)
        try:
            yield Pipeline(
                parsers=registry,
                schema_map=load_schema_map(SCHEMAS_MAP, known_parsers=registry.names),
                tenant=CachedTenant(ClientTenant(sandbox.client)),
                entities=CachedEntities(ClientEntities(sandbox.client)),
                client=sandbox.client,
                ledger=ledger,
                work_dir=work / "state",
                filing_options=FilingOptions(work / "archive", work / "failed"),
                render_png=render_png,
                attachment_grace_seconds=GRACE,
                clock=wall,
                monotonic=monotonic,
            )
        finally:
            ledger.close()


def waiting_trace(pipeline: Pipeline, inbox: Path) -> None:
    inbox.mkdir(parents=True)
    trace = inbox / TRACE.name
    shutil.copyfile(TRACE, trace)
    assert pipeline.ingest(describe_path(trace), root=inbox).kind == "waiting"


def test_the_grace_ends_after_its_seconds_when_the_clock_steps_back(tmp_path: Path) -> None:
    wall, monotonic = FakeClock(1_700_000_000.0), FakeClock(100.0)
    with stepping_pipeline(tmp_path, wall, monotonic) as pipeline:
        waiting_trace(pipeline, tmp_path / "inbox")
        wall.now -= HOUR
        monotonic.now += GRACE - 1
        assert pipeline.resume() == []
        monotonic.now += 2
        [outcome] = pipeline.resume()
        assert outcome.kind == "failed" and "No parser reads" in outcome.message
        assert (tmp_path / "failed" / TRACE.name).exists()


def test_the_grace_is_not_cut_short_when_the_clock_steps_forward(tmp_path: Path) -> None:
    wall, monotonic = FakeClock(1_700_000_000.0), FakeClock(100.0)
    with stepping_pipeline(tmp_path, wall, monotonic) as pipeline:
        waiting_trace(pipeline, tmp_path / "inbox")
        wall.now += HOUR
        monotonic.now += GRACE / 2
        assert pipeline.resume() == []
        # Asked to look now (retry --all makes waits due): the grace still has seconds left to wait.
        [outcome] = pipeline.resume(include_waiting=True)
        assert outcome.kind == "waiting"
        monotonic.now += GRACE
        [outcome] = pipeline.resume()
        assert outcome.kind == "failed"
