"""The tenant's request budget shared through PostgreSQL: three processes hammering the sandbox (its
limit per tenant, on a sliding window, as strict as it gets) never exceed it together, while the same
three with only their own in-process limiters do. Rate headers and 429s of one process hold back
the others; a budget that cannot reach its database refuses to send rather than guess."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.errors import LedgerUnavailableError
from ingest.ledger.postgres_budget import PostgresRequestBudget
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.sandbox.config import RateLimit
from tests.support.postgres import PostgresServer

REPO = Path(__file__).resolve().parents[3]
LIMIT, WINDOW = 10, 1.0
PROCESSES, THREADS, REQUESTS = 3, 3, 6


@pytest.fixture
def strict_sandbox() -> Iterator[SandboxServer]:
    config = SandboxConfig.from_tenant_file(
        REPO / "sample_data" / "tenant.yaml", rate_limit=RateLimit(LIMIT, WINDOW, sliding=True)
    )
    with SandboxServer(config) as server:
        yield server


def hammer(server: SandboxServer, dsn: str, mode: str) -> list[str]:
    """Run the processes at once; their last lines (``done <requests> <429s>``)."""
    args = [server.base_url, server.api_key, dsn, mode, str(REQUESTS), str(THREADS), str(LIMIT), str(WINDOW)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.budget_hammer", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    lines = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-3000:]
        lines.append(out.strip().splitlines()[-1])
    return lines


def test_three_processes_on_the_shared_budget_never_exceed_the_tenant_limit(
    strict_sandbox: SandboxServer, postgres_dsn: str
) -> None:
    lines = hammer(strict_sandbox, postgres_dsn, "shared")
    log = strict_sandbox.request_log
    assert log.count(path="/api/v2/projects", status=200) == PROCESSES * THREADS * REQUESTS
    assert log.count(status=429) == 0, f"the sandbox refused requests over the tenant limit: {lines}"
    assert all(line.endswith(" 0") for line in lines)


def test_the_same_processes_with_their_own_limiters_exceed_it(
    strict_sandbox: SandboxServer, postgres_dsn: str
) -> None:
    """The control: what the shared budget prevents does happen without it."""
    hammer(strict_sandbox, postgres_dsn, "local")
    assert strict_sandbox.request_log.count(status=429) > 0


def budget(dsn: str, **options: object) -> PostgresRequestBudget:
    return PostgresRequestBudget(dsn, key="tenant|api-keys", requests=3, window_seconds=30.0, **options)  # type: ignore[arg-type]


class _Waited(Exception):
    pass


def waiting_budget(dsn: str, waits: list[float]) -> PostgresRequestBudget:
    """A budget whose first wait is recorded and ends the acquire (no test sleeps)."""

    def note(seconds: float) -> None:
        waits.append(seconds)
        raise _Waited(seconds)

    return budget(dsn, sleep=note)


def test_the_servers_remaining_count_reaches_every_process(postgres_dsn: str) -> None:
    a = budget(postgres_dsn)
    waits: list[float] = []
    b = waiting_budget(postgres_dsn, waits)
    try:
        # Another client of the tenant used the budget up: the server says 0 left for 20 s.
        a.acquire().release({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "20"})
        with pytest.raises(_Waited):
            b.acquire()
        assert 19.0 < waits[0] < 23.0
    finally:
        a.close()
        b.close()


def test_a_429_blocks_every_process_until_the_reset(postgres_dsn: str) -> None:
    a = budget(postgres_dsn)
    waits: list[float] = []
    b = waiting_budget(postgres_dsn, waits)
    try:
        a.acquire().release({"x-rate-limit-reset": "12"}, rate_limited=True)
        with pytest.raises(_Waited):
            b.acquire()
        assert 11.0 < waits[0] < 14.0
    finally:
        a.close()
        b.close()


def test_slots_are_shared_and_come_back_a_window_after_the_response(postgres_dsn: str) -> None:
    a = budget(postgres_dsn)
    waits: list[float] = []
    b = waiting_budget(postgres_dsn, waits)
    try:
        for _ in range(3):
            a.acquire().release()
        with pytest.raises(_Waited):
            b.acquire()  # all three slots were spent by a within the window
        assert 25.0 < waits[0] <= 33.0
    finally:
        a.close()
        b.close()


def test_a_budget_without_its_database_refuses_to_send(
    postgres_server: PostgresServer, postgres_dsn: str
) -> None:
    shared = budget(postgres_dsn, patience_seconds=1.0)
    try:
        postgres_server.kill()
        started = time.monotonic()
        with pytest.raises(LedgerUnavailableError, match="no request is sent without it"):
            shared.acquire()
        assert time.monotonic() - started < 60
    finally:
        shared.close()
        postgres_server.start()
