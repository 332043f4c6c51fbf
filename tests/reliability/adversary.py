"""What the adversarial suites share: CLI processes that are killed at seeded random moments, sandboxes
that are restarted from their ``--state`` file on another port, and the end-of-scenario invariant:
every dropped export is exactly one run with all its results (counted by its ``file_sha256`` field in
the sandbox), no file is lost (each input's bytes are archived, quarantined with a reason, or still
pending with a reason), and no ledger row is ``done`` without its run and all its results."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reliability.harness import CLI, assert_each_once, cli_environment, sandbox_config

from ingest.sandbox import SandboxServer
from tests.support.corpus import TRACE_GLOB, GoodExport

POLL = 0.05


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


@dataclass
class Proc:
    """One CLI process; its output goes to a log file (a full pipe would block it)."""

    args: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    offset: int = 0  # where this process's part of the (shared) log begins

    def start(self) -> Proc:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            out.write(f"\n=== {' '.join(self.args)}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [str(CLI), *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=self.cwd
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL; True when the process was still running."""
        assert self.process is not None
        was_alive = self.process.poll() is None
        self.process.kill()
        self.process.wait(timeout=30)
        return was_alive

    def stop(self, timeout: float = 120.0) -> int:
        assert self.process is not None
        self.process.terminate()
        return self.process.wait(timeout=timeout)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def said(self, text: str) -> bool:
        """Whether this process has written ``text`` to its log (``Watching`` once a watch runs)."""
        with self.log.open("rb") as log:
            log.seek(self.offset)
            return text.encode() in log.read()

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def run_to_end(args: Sequence[str], env: Mapping[str, str], log: Path, timeout: float = 300.0) -> int:
    proc = Proc(list(args), dict(env), log).start()
    try:
        return proc.wait(timeout)
    finally:
        if proc.alive():
            proc.kill()


def kill_at_random(proc: Proc, rng: random.Random, low: float, high: float) -> bool:
    """Let ``proc`` run a random while in [low, high) s, then SIGKILL it; True when the kill landed."""
    assert proc.process is not None
    try:
        proc.process.wait(timeout=rng.uniform(low, high))
        return False
    except subprocess.TimeoutExpired:
        return proc.kill()


def kill_once_busy(
    proc: Proc, busy: Callable[[], bool], rng: random.Random, low: float, high: float, timeout: float = 90.0
) -> bool:
    """Wait until ``busy()`` holds (the process got somewhere: a start-up alone takes a second or two
    on a loaded machine), then SIGKILL ``proc`` after a random [low, high) s; True when the kill landed."""
    deadline = time.monotonic() + timeout
    while proc.alive() and not busy() and time.monotonic() < deadline:
        time.sleep(POLL)
    return kill_at_random(proc, rng, low, high)


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, context: Callable[[], str]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{context()}")
        time.sleep(POLL)


@dataclass
class Restartable:
    """A sandbox that keeps its state in a file and can be restarted from it on a new port."""

    state: Path
    overrides: dict[str, object] = field(default_factory=dict)
    server: SandboxServer | None = None

    def start(self, port: int = 0) -> SandboxServer:
        self.server = SandboxServer(sandbox_config(state_file=self.state, **self.overrides), port=port)
        self.server.start()
        return self.server

    def restart(self, *, same_port: bool = False) -> SandboxServer:
        """Stop and start again from the state file: on a new port (a process started later is told
        the new URL), or on the same one (processes running on see an outage, then the same tenant)."""
        port = self.server.port if same_port and self.server is not None else 0
        self.stop()
        return self.start(port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def watch_args(folders: Iterable[Path], archive: Path, failed: Path, *extra: str) -> list[str]:
    args = ["watch", *map(str, folders), "--settle", "0.3", "--rescan", "0.5", "--exclude", TRACE_GLOB]
    return [*args, "--archive", str(archive), "--failed", str(failed), *extra]


def env_for(server: SandboxServer, home: Path, map_path: Path, **extra: str) -> dict[str, str]:
    env = cli_environment(server, home, map_path)
    env.update(extra)
    return env


# -- the invariant -------------------------------------------------------------------------------------------


def sqlite_rows(ledger: Path) -> list[dict[str, object]]:
    if not ledger.exists():
        return []
    with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM files ORDER BY id")]


def assert_done_rows_are_whole(server: SandboxServer, rows: Iterable[Mapping[str, object]]) -> None:
    """No row is ``done`` unless its run exists and holds every result id the row names."""
    runs = {r["id"] for r in server.store.runs()}
    results = {r["id"]: r for r in server.store.results()}
    for row in rows:
        if row["state"] != "done":
            continue
        run_id = row["run_id"]
        assert run_id in runs, f"row {row['path']} is done but its run {run_id} does not exist"
        ids = json.loads(str(row["result_ids"] or "[]"))
        missing = [i for i in ids if i not in results]
        assert not missing, f"row {row['path']} is done but {len(missing)} of its results are missing"


def assert_nothing_lost(
    inputs: Mapping[str, str], keep: Sequence[Path], pending: Sequence[Path] = (), note: str = ""
) -> None:
    """Every input's bytes (sha256 -> name) are in an archive or quarantine folder (``keep``); inputs still
    in a drop folder (``pending``) count only when the caller allows it. A quarantined file has a report."""
    kept = {digest(p) for p in files_under(*keep) if not p.name.endswith(".error.json")}
    waiting = {digest(p) for p in files_under(*pending)}
    lost = sorted(name for sha, name in inputs.items() if sha not in kept and sha not in waiting)
    assert not lost, f"{note}: {len(lost)} file(s) neither archived, quarantined nor pending: {lost[:10]}"


def assert_quarantined_with_reasons(failed: Path) -> list[str]:
    """Every quarantined file has its ``.error.json``; returns the reasons (for messages)."""
    reasons = []
    for path in files_under(failed):
        if path.name.endswith(".error.json"):
            reasons.append(json.loads(path.read_text(encoding="utf-8")).get("reason", "?"))
            continue
        report = path.with_name(path.name + ".error.json")
        assert report.exists(), f"{path.name} quarantined without a report"
    return reasons


def inputs_of(exports: Sequence[GoodExport]) -> dict[str, str]:
    return {digest(p): p.name for e in exports for p in (e.csv, e.trace)}


__all__ = [
    "Proc",
    "Restartable",
    "assert_done_rows_are_whole",
    "assert_each_once",
    "assert_nothing_lost",
    "assert_quarantined_with_reasons",
    "env_for",
    "inputs_of",
    "kill_at_random",
    "kill_once_busy",
    "run_to_end",
    "sqlite_rows",
    "wait_until",
    "watch_args",
]
