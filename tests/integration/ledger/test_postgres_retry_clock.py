"""Retry times on a shared PostgreSQL ledger do not depend on which host's wall clock wrote them.

Hosts sharing a ledger may disagree about the time by minutes or hours (an instrument PC without NTP, a
VM resumed from a snapshot). A retry written by one host for "in 30 s" must be due in 30 s for every
host: too early would hammer a failing service, too late would leave a file waiting for hours."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.ledger.postgres import PostgresLedger
from ingest.models import SourceFile
from tests.support.postgres import Open

SHARE = Path("/share")
HOUR = 3600.0


def skewed(seconds: float) -> Callable[[], float]:
    return lambda: time.time() + seconds


def a_retry_written_by(writer: PostgresLedger, clock: Callable[[], float], *, in_seconds: float) -> int:
    source = SourceFile(path=SHARE / "a.csv", sha256="aa", size=10, mtime_ns=1, members=(SHARE / "a.csv",))
    row = writer.record_discovered(source, root=SHARE)
    assert writer.claim(row.id) is not None
    writer.record_transient_failure(row.id, {"message": "Benchling said 503"}, retry_at=clock() + in_seconds)
    writer.release(row.id)
    return row.id


@pytest.mark.parametrize("skew", [HOUR, -HOUR], ids=["writer an hour ahead", "writer an hour behind"])
def test_a_retry_is_due_when_the_writer_meant_on_every_host(open_ledger: Open, skew: float) -> None:
    clock = skewed(skew)
    writer = open_ledger(host_id="host-a", clock=clock)
    reader = open_ledger(host_id="host-b")
    row_id = a_retry_written_by(writer, clock, in_seconds=30)
    assert reader.claim_due(roots=[SHARE]) == [], "due at once on another host's clock"
    assert reader.claim_due(roots=[SHARE], now=time.time() + 20) == []
    assert [r.id for r in reader.claim_due(roots=[SHARE], now=time.time() + 40)] == [row_id]
    reader.release(row_id)
    assert reader.pending() == []
    assert [r.id for r in reader.pending(now=time.time() + 40)] == [row_id]


def test_each_host_reads_the_retry_time_on_its_own_clock(open_ledger: Open) -> None:
    clock = skewed(-HOUR)
    writer = open_ledger(host_id="host-a", clock=clock)
    reader = open_ledger(host_id="host-b")
    row_id = a_retry_written_by(writer, clock, in_seconds=30)
    seen_by_writer = writer.get(row_id).next_attempt_at
    seen_by_reader = reader.get(row_id).next_attempt_at
    assert seen_by_writer is not None and seen_by_reader is not None
    assert seen_by_writer == pytest.approx(clock() + 30, abs=5)
    assert seen_by_reader == pytest.approx(time.time() + 30, abs=5)


def test_a_writer_on_a_fake_clock_sees_its_own_retry_due_when_its_clock_says(open_ledger: Open) -> None:
    """A clock the caller injects (a test's fake one) is the ledger's time for that process."""
    now = [1_000_000.0]
    ledger = open_ledger(host_id="host-a", clock=lambda: now[0])
    row_id = a_retry_written_by(ledger, lambda: now[0], in_seconds=30)
    assert ledger.claim_due(roots=[SHARE]) == []
    now[0] += 31
    assert [r.id for r in ledger.claim_due(roots=[SHARE])] == [row_id]


def test_a_host_with_a_skewed_clock_reads_and_writes_times_on_the_servers_clock(open_ledger: Open) -> None:
    """``status`` and the status page judge instances' heartbeats by ``ledger.now()``: a host an hour
    ahead must not call a live watch dead, and its rows' times must sort with everyone else's."""
    ahead = open_ledger(host_id="host-a", clock=skewed(HOUR))
    assert ahead.now() == pytest.approx(time.time(), abs=5)
    ahead.register_instance("watch", [SHARE])
    (instance,) = [i for i in ahead.instances() if i.command == "watch"]
    assert ahead.now() - instance.heartbeat_at.timestamp() == pytest.approx(0, abs=5)
    source = SourceFile(path=SHARE / "b.csv", sha256="bb", size=1, mtime_ns=1, members=(SHARE / "b.csv",))
    row = ahead.record_discovered(source, root=SHARE)
    created = dt.datetime.fromisoformat(row.created_at).timestamp()
    assert created == pytest.approx(time.time(), abs=5)
