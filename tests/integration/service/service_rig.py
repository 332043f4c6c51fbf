"""The real ``benchling-ingest`` CLI as a subprocess against an in-thread sandbox on 127.0.0.1.

``ServiceRig`` holds one scenario's folders (drop folder, archive, quarantine, ledger, work home) and
runs commands with ``BENCHLING_URL``/``BENCHLING_API_KEY`` pointing at the sandbox. ``WatchProcess`` is
one running ``watch``; its output goes to a log file (a pipe could fill up and block the service).
Waiting is always polling with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from ingest.ledger import TERMINAL, FileRecord
from ingest.ledger.sqlite_rows import record_from_row
from ingest.sandbox import SandboxServer

REPO = Path(__file__).resolve().parents[3]
SCHEMAS_MAP = REPO / "schemas_map.yaml"
POLL_SECONDS = 0.05

LC_HEADER = (
    "Sample ID,Sample Name,Injection,Injection Date,Instrument,Method,Signal,Peak,Peak Name,RT (min),"
    "Area,Area Unit,Height,Height Unit,Area %,Chromatogram\n"
)
_TRACE_ROWS = "".join(f"{i / 60:.4f},{0.5 + (i % 7) * 0.05:.3f}\n" for i in range(240))


def console_script() -> Path:
    """The ``benchling-ingest`` entry point installed beside this interpreter."""
    folder = Path(sys.executable).parent
    for name in ("benchling-ingest", "benchling-ingest.exe"):
        if (folder / name).exists():
            return folder / name
    raise RuntimeError(f"benchling-ingest is not installed beside {sys.executable}.")


# -- demo exports --------------------------------------------------------------------------------------------


def lc_rows(stem: str, samples: Sequence[str], *, tag: str = "") -> list[str]:
    """Two peak rows per sample; ``tag`` goes into the method name so every file has its own content."""
    method = f"CAFF_ISO_10MIN{tag}"
    rows = []
    for injection, sample in enumerate(samples, start=1):
        for peak, (name, rt, area) in enumerate(
            (("Theobromine", 2.11, 6.64 * injection), ("Caffeine", 3.42, 316.3 * injection)), start=1
        ):
            rows.append(
                f"{sample},Caffeine std {injection},{injection},2026-11-02T09:15:00+01:00,"
                f'HPLC-01 (Agilent 1260),{method},"DAD1 A, Sig=273 nm",{peak},{name},{rt},{area:.2f},mAU*s,'
                f"{area / 10:.2f},mAU,{50.0:.2f},{stem}_trace.csv\n"
            )
    return rows


def write_trace(folder: Path, stem: str) -> Path:
    trace = folder / f"{stem}_trace.csv"
    trace.write_text("time_min,signal\n" + _TRACE_ROWS, encoding="utf-8")
    return trace


def write_lc_export(folder: Path, stem: str, samples: Sequence[str], *, tag: str = "") -> tuple[Path, int]:
    """An LC results CSV and the trace file it names; returns the export and its number of result rows."""
    folder.mkdir(parents=True, exist_ok=True)
    write_trace(folder, stem)
    rows = lc_rows(stem, samples, tag=tag)
    export = folder / f"{stem}.csv"
    export.write_text(LC_HEADER + "".join(rows), encoding="utf-8")
    return export, len(rows)


def samples(*numbers: int) -> list[str]:
    return [f"SMP-{n:03d}" for n in numbers]


# -- waiting -------------------------------------------------------------------------------------------------


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    context: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` (and ``context()``) after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.\n{context()}")
        time.sleep(POLL_SECONDS)


def field_value(doc: dict[str, Any], name: str) -> Any:
    return doc["fields"][name]["value"]


# -- the CLI -------------------------------------------------------------------------------------------------


@dataclass
class ServiceRig:
    """One scenario: a sandbox and the folders every command of the scenario shares."""

    sandbox: SandboxServer
    base: Path
    map_path: Path = SCHEMAS_MAP

    def __post_init__(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)

    @property
    def inbox(self) -> Path:
        return self.base / "inbox"

    @property
    def archive(self) -> Path:
        return self.base / "archive"

    @property
    def failed(self) -> Path:
        return self.base / "failed"

    @property
    def ledger_path(self) -> Path:
        return self.base / "state" / "ledger.sqlite"

    @property
    def home(self) -> Path:
        return self.base / "state"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "BENCHLING_URL": self.sandbox.base_url,
            "BENCHLING_API_KEY": self.sandbox.api_key,
            # The sandbox runs without a rate limit here; keep the client's limiter out of the way too.
            "BENCHLING_RATE_LIMIT": "1000/1",
            "BENCHLING_INGEST_HOME": str(self.home),
            "BENCHLING_INGEST_MAP": str(self.map_path),
        }

    def run_cli(self, *args: str | Path, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run one command to completion; stdout and stderr are returned as text."""
        return subprocess.run(
            [str(console_script()), *map(str, args)],
            env=self.env(),
            cwd=self.base,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )

    def start_watch(self, *extra: str | Path, exclude_traces: bool = True) -> WatchProcess:
        """``watch INBOX`` with short windows, archive, quarantine and the scenario's ledger."""
        excludes = ["--exclude", "*_trace.csv"] if exclude_traces else []
        args = [
            "watch",
            self.inbox,
            "--settle",
            "0.3",
            "--rescan",
            "0.5",
            *excludes,
            "--archive",
            self.archive,
            "--failed",
            self.failed,
            "--ledger",
            self.ledger_path,
            *extra,
        ]
        self.home.mkdir(parents=True, exist_ok=True)
        number = len(list(self.base.glob("watch-*.log")))
        return WatchProcess([str(console_script()), *map(str, args)], self, self.base / f"watch-{number}.log")

    # -- what the ledger says ------------------------------------------------------------------------------

    def rows(self) -> list[FileRecord]:
        """Every ledger row, oldest first (empty before the service made the ledger).

        Read through a read-only connection: opening a ``SqliteLedger`` sets the journal mode and
        creates the schema, and two such first opens of a fresh ledger at the same instant make one of
        them fail with "database is locked" (SQLite refuses the second writer at once rather than
        wait, to avoid a deadlock); a test polling the ledger must never be that second writer.
        """
        if not self.ledger_path.exists():
            return []
        try:
            with contextlib.closing(sqlite3.connect(f"{self.ledger_path.as_uri()}?mode=ro", uri=True)) as db:
                db.row_factory = sqlite3.Row
                return [record_from_row(row) for row in db.execute("SELECT * FROM files ORDER BY id")]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []  # still being created by the service: empty, like no file yet
            raise

    def rows_in(self, *states: str) -> list[FileRecord]:
        return [r for r in self.rows() if r.state in states]

    def all_settled(self, expected_rows: int) -> bool:
        """``expected_rows`` rows, none of them pending, and every finished file's move recorded (the
        watch always has an archive and a quarantine; a state is saved before its file is moved)."""
        rows = self.rows()
        return len(rows) == expected_rows and all(r.state in TERMINAL and _filed(r) for r in rows)

    def describe(self) -> str:
        rows = "\n".join(
            f"  {r.id} {r.path.name} {r.state} inflight={r.inflight} "
            f"error={(r.last_error or {}).get('message')}"
            for r in self.rows()
        )
        return f"ledger rows:\n{rows}\nsandbox runs: {len(self.sandbox.store.runs())}"

    # -- what the sandbox holds ----------------------------------------------------------------------------

    def runs_by_sha(self) -> dict[str, list[dict[str, Any]]]:
        runs: dict[str, list[dict[str, Any]]] = {}
        for run in self.sandbox.store.runs():
            runs.setdefault(str(field_value(run, "file_sha256")), []).append(run)
        return runs

    def post_count(self, path: str | None = None) -> int:
        return self.sandbox.request_log.count(method="POST", path=path)


class WatchProcess:
    """A running ``benchling-ingest watch``; killed on exit from a ``with`` block if still running."""

    def __init__(self, argv: list[str], rig: ServiceRig, log_path: Path) -> None:
        self.rig = rig
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            argv, env=rig.env(), cwd=rig.base, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def context(self) -> str:
        return f"{self.rig.describe()}\nwatch log ({self.log_path}):\n{self.log()[-4000:]}"

    def wait_for(self, condition: Callable[[], bool], what: str, *, timeout: float = 30.0) -> None:
        def holds_while_alive() -> bool:
            if condition():
                return True
            if self.process.poll() is not None:
                raise AssertionError(
                    f"watch exited with {self.process.returncode} while waiting for {what}.\n{self.context()}"
                )
            return False

        wait_until(holds_while_alive, timeout=timeout, what=what, context=self.context)

    def wait_watching(self, timeout: float = 30.0) -> None:
        """Until the service has started its watcher (its first scan follows at once)."""
        self.wait_for(lambda: " INFO Watching " in self.log(), "the watcher to start", timeout=timeout)

    def wait_settled(self, expected_rows: int, *, timeout: float = 30.0) -> None:
        self.wait_for(
            lambda: self.rig.all_settled(expected_rows),
            f"{expected_rows} ledger row(s), none pending",
            timeout=timeout,
        )

    def stop(self, sig: signal.Signals = signal.SIGTERM, *, timeout: float = 30.0) -> int:
        """Send ``sig`` and return the exit code (the service finishes the files in hand first)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        """SIGKILL: no handler runs, no checkpoint is reached."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._log.close()

    def __enter__(self) -> WatchProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process.poll() is None:
            self.kill()
        self._log.close()


def _filed(record: FileRecord) -> bool:
    # A changed row's file is its newer version's now.
    if record.state in ("attachment", "changed") or record.root is None or record.final_path is not None:
        return True
    # Archiving can fail after success (kept as a problem for `status`); the file then stays put.
    return (record.last_error or {}).get("stage") == "archive"
