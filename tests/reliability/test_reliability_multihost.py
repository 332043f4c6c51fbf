"""Several hosts on one PostgreSQL ledger: three ``watch`` processes acting as two hosts
(``BENCHLING_INGEST_HOST_ID``), one drop folder shared by both hosts and one private folder each (host a
runs two processes on two of its folders). Mid-batch, host b is SIGKILLed (its claims must run out and
host a must finish its share-folder files; its private files wait for its restart), then PostgreSQL
itself is SIGKILLed and restarted while more files arrive. Judged through the sandbox: every good file
is exactly one run with all its results, no file is lost (each ends in an archive, byte for byte),
the running processes survived, and the sandbox (the tenant's limit on a sliding window, shared by
every API key) never answered 429: together the hosts stayed within the tenant's limit.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from reliability.harness import CLI, assert_each_once, sandbox_config

from ingest.ledger import STATES, TERMINAL
from ingest.ledger.postgres import PostgresLedger
from ingest.sandbox import SandboxServer
from ingest.sandbox.config import RateLimit
from tests.support.corpus import TRACE_GLOB, GoodExport, write_corpus
from tests.support.postgres import PostgresServer

LIMIT, WINDOW = 20, 2.0
LEASE_SECONDS = 10.0


@dataclass(frozen=True)
class Sizes:
    shared: int
    private: int  # in each private folder
    late_shared: int  # arriving while PostgreSQL is down
    late_private: int
    timeout: float


DEFAULT = Sizes(shared=10, private=4, late_shared=4, late_private=2, timeout=300.0)
SLOW = Sizes(shared=60, private=20, late_shared=20, late_private=10, timeout=1200.0)


@dataclass
class Host:
    """One ``watch`` process: a host id, its folders, its archive and its log."""

    name: str
    host_id: str
    folders: Sequence[Path]
    base: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    @property
    def archive(self) -> Path:
        return self.base / "archive"

    @property
    def failed(self) -> Path:
        return self.base / "failed"

    def start(self, env: dict[str, str]) -> None:
        self.starts += 1
        self.base.mkdir(parents=True, exist_ok=True)
        log = self.base / f"watch-{self.starts}.log"
        self.logs.append(log)
        args = [str(CLI), "watch", *map(str, self.folders), "--settle", "0.3", "--rescan", "0.5"]
        args += ["--exclude", TRACE_GLOB, "--archive", str(self.archive), "--failed", str(self.failed)]
        process_env = {
            **env,
            "BENCHLING_INGEST_HOST_ID": self.host_id,
            "BENCHLING_INGEST_HOME": str(self.base / "work"),
        }
        with log.open("wb") as out:
            self.process = subprocess.Popen(args, env=process_env, stdout=out, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> int:
        assert self.process is not None
        self.process.terminate()
        return self.process.wait(timeout=120)

    def log_tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs)


@pytest.fixture
def strict_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config(rate_limit=RateLimit(LIMIT, WINDOW, sliding=True))) as server:
        yield server


def claims_held(dsn: str, host_id: str) -> int:
    """Rows a process of ``host_id`` holds now (its lease still running)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM files WHERE claimed_by LIKE %s AND lease_until > clock_timestamp()",
            (f"{host_id}/%",),
        ).fetchone()
    return int(row[0]) if row else 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, context: Callable[[], str]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{context()}")
        time.sleep(0.2)


def run_scenario(
    tmp_path: Path,
    map_path: Path,
    sandbox: SandboxServer,
    server: PostgresServer,
    dsn: str,
    sizes: Sizes,
) -> dict[str, float]:
    shared, a1, a2, b1 = (tmp_path / "drop" / name for name in ("shared", "a1", "a2", "b1"))
    hosts = [
        Host("a-1", "host-a", [shared, a1], tmp_path / "a-1"),
        Host("a-2", "host-a", [a2], tmp_path / "a-2"),
        Host("b-1", "host-b", [shared, b1], tmp_path / "b-1"),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
    env.update(
        {
            "BENCHLING_URL": sandbox.base_url,
            "BENCHLING_API_KEY": sandbox.api_key,
            "BENCHLING_RATE_LIMIT": f"{LIMIT}/{WINDOW:g}",
            "BENCHLING_INGEST_MAP": str(map_path),
            "BENCHLING_INGEST_LEDGER": dsn,
            "BENCHLING_INGEST_LEASE_SECONDS": str(LEASE_SECONDS),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for folder in (shared, a1, a2, b1):
        folder.mkdir(parents=True)
    exports: list[GoodExport] = []
    exports += write_corpus(shared, sizes.shared, seed=1, start=0)
    exports += write_corpus(a1, sizes.private, seed=1, start=10_000)
    exports += write_corpus(a2, sizes.private, seed=1, start=20_000)
    exports += write_corpus(b1, sizes.private, seed=1, start=30_000)
    written = {digest(p): p.name for e in exports for p in (e.csv, e.trace)}

    def context() -> str:
        return f"runs: {len(sandbox.store.runs())} of {len(exports)}\n" + "\n".join(
            h.log_tail() for h in hosts
        )

    started = time.monotonic()
    figures: dict[str, float] = {}
    try:
        for host in hosts:
            host.start(env)
        wait_until(
            lambda: len(sandbox.store.runs()) >= len(exports) // 4 and claims_held(dsn, "host-b") > 0,
            timeout=sizes.timeout,
            what="a quarter of the first batch, with host b holding claims",
            context=context,
        )
        hosts[2].kill()  # host b dies mid-batch, holding claims
        figures["claims_held_by_host_b_when_killed"] = claims_held(dsn, "host-b")
        figures["killed_host_b_after_runs"] = len(sandbox.store.runs())
        wait_until(
            lambda: len(sandbox.store.runs()) >= len(exports) // 2,
            timeout=sizes.timeout,
            what="half of the first batch",
            context=context,
        )
        server.kill()  # the database host crashes...
        figures["killed_postgres_after_runs"] = len(sandbox.store.runs())
        late = write_corpus(shared, sizes.late_shared, seed=1, start=5_000)  # ...while files keep arriving
        late += write_corpus(a1, sizes.late_private, seed=1, start=15_000)
        time.sleep(3.0)
        server.start()
        exports += late
        written.update({digest(p): p.name for e in late for p in (e.csv, e.trace)})
        hosts[2].start(env)  # host b comes back and finishes its private folder
        wait_until(
            lambda: (
                len(sandbox.store.runs()) >= len(exports)
                and not any(p.is_file() for f in (shared, a1, a2, b1) for p in f.rglob("*"))
            ),
            timeout=sizes.timeout,
            what="every run created and every drop folder empty",
            context=context,
        )
        figures["seconds"] = round(time.monotonic() - started, 1)
        assert all(h.alive() for h in hosts), f"a watch process exited:\n{context()}"
        with PostgresLedger(dsn) as ledger:
            wait_until(
                lambda: all(r.state in TERMINAL and r.final_path for r in ledger.in_state(*STATES)),
                timeout=60,
                what="every ledger row finished and filed",
                context=context,
            )
            rows = ledger.in_state(*STATES)
        for host in hosts:
            assert host.stop() == 0, host.log_tail()
    finally:
        for host in hosts:
            if host.alive():
                host.kill()

    assert_each_once(sandbox, exports)
    assert {r.state for r in rows} == {"done"} and len(rows) == len(exports)
    archived = [p for h in hosts for p in h.archive.rglob("*") if p.is_file()]
    assert sorted(digest(p) for p in archived) == sorted(written), (
        "every file archived exactly once, unchanged"
    )
    assert not any(p.is_file() for h in hosts for p in h.failed.rglob("*")), "nothing quarantined"
    log = sandbox.request_log
    assert log.count(status=429) == 0, "the hosts together went over the tenant's rate limit"
    figures.update(
        {
            "files": len(exports),
            "requests": log.count(),
            "rate_limited": log.count(status=429),
            "archived_by_host_b": sum(1 for p in hosts[2].archive.rglob("*.csv") if "_trace" not in p.name),
        }
    )
    return figures


@pytest.mark.timeout(1200)  # three waits of up to DEFAULT.timeout each, so that a slow one says why
def test_two_hosts_on_one_postgres_ledger_survive_a_host_and_a_database_crash(
    tmp_path: Path,
    map_without_png: Path,
    strict_sandbox: SandboxServer,
    postgres_server: PostgresServer,
    postgres_dsn: str,
) -> None:
    figures = run_scenario(tmp_path, map_without_png, strict_sandbox, postgres_server, postgres_dsn, DEFAULT)
    print(f"multi-host figures: {figures}")


@pytest.mark.slow
def test_two_hosts_on_one_postgres_ledger_at_scale(
    tmp_path: Path,
    map_without_png: Path,
    strict_sandbox: SandboxServer,
    postgres_server: PostgresServer,
    postgres_dsn: str,
) -> None:
    figures = run_scenario(tmp_path, map_without_png, strict_sandbox, postgres_server, postgres_dsn, SLOW)
    print(f"multi-host figures (slow): {figures}")
