"""A real PostgreSQL server for tests: Debian's binaries, a throw-away cluster in a temporary folder.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the cluster belongs to the
``postgres`` user that Debian's package creates and every server command runs through ``runuser``.
The server listens on 127.0.0.1 on a free port, trusts local connections and is removed at the end.
``kill()`` SIGKILLs the postmaster (a crashed database host); ``start()`` brings it back with crash
recovery, on the same port and data.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ingest.ledger.postgres import PostgresLedger

#: Opens one more ledger ("process") on a test's database, with test-only options (clock, lease...): the
#: ``open_ledger`` fixture of ``tests/integration/ledger``.
Open = Callable[..., "PostgresLedger"]

HOW_TO_ENABLE = (
    "PostgreSQL is not installed: run `apt-get install postgresql` (make test does it when run as root), "
    "then run the tests again."
)


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``pg_ctl``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def require_postgres() -> Path:
    """The binaries folder; skips the test (fails it when ``CI=true``) when PostgreSQL is missing."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {HOW_TO_ENABLE}")
        pytest.skip(HOW_TO_ENABLE)
    if os.geteuid() == 0 and shutil.which("runuser") is None:  # pragma: no cover - Debian has it
        pytest.fail("running as root needs `runuser` to start PostgreSQL as the postgres user")
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One throw-away cluster. ``dsn(db)`` gives a connection string; ``create_database()`` a fresh db."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # Not under pytest's tmp_path: that folder is private to root, and the server runs as postgres.
        self.base = Path(tempfile.mkdtemp(prefix="benchling-ingest-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.log_file = self.base / "server.log"
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        self.socket_dir.mkdir()
        if self._as_postgres:
            shutil.chown(self.base, user="postgres", group="postgres")
            shutil.chown(self.socket_dir, user="postgres", group="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def _command(self, tool: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / tool), *args]
        return ["runuser", "-u", "postgres", "--", *command] if self._as_postgres else command

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(self._command(tool, *args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {result.stdout}{result.stderr}{log}")

    def start(self) -> None:
        """Start (or restart after ``kill``) the server; waits until it accepts connections."""
        ports = [self.port] if self.port else [free_port() for _ in range(5)]
        last: Exception | None = None
        for port in ports:
            options = (
                f"-p {port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
                " -c max_connections=200"
            )
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log_file),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "120",
                    "start",
                )
            except RuntimeError as exc:  # the port was taken between choosing and binding it: next one
                last = exc
                continue
            self.port = port
            return
        raise RuntimeError(f"PostgreSQL did not start: {last}")

    def postmaster_pid(self) -> int | None:
        pid_file = self.data / "postmaster.pid"
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends, as a crash of the database host would."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        # Backends are the postmaster's children; kill them too so no half-dead server keeps the port.
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        for target in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGKILL)
        self._wait_gone(pid)
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    @staticmethod
    def _wait_gone(pid: int) -> None:
        for _ in range(500):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)

    def stop(self) -> None:
        if self.postmaster_pid() is not None:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "ledger") -> str:
        """A new empty database; returns its connection string."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.dsn(name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server shared by the session (each test takes its own database)."""
    server = PostgresServer(require_postgres())
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    if postgres_server.postmaster_pid() is None:  # a test killed it: bring it back for the next one
        postgres_server.start()
    return postgres_server.create_database()
