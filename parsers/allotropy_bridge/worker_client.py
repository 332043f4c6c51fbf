"""Running the allotropy worker: which interpreter, one long-lived process per interpreter, timeouts.

allotropy runs in a separate process, never in ours: its pins (``jsonschema<4.18``, ``rainbow-api==1.0.10``,
``pandas<3``) clash with this project's test tools, importing it takes seconds, and a converter that hangs
or crashes must not take the service with it. The interpreter is
``$BENCHLING_INGEST_ALLOTROPY_PYTHON`` (an environment of its own, e.g. ``.venv-allotropy/bin/python``),
else this interpreter when allotropy is installed beside benchling-ingest
(``pip install 'benchling-ingest[allotropy]'``). The process starts on the first conversion, serves one
request at a time, is restarted after a crash or timeout, and ends when this process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from ingest.errors import ParseError
from parsers.allotropy_bridge.constants import (
    DEFAULT_TIMEOUT,
    INSTALL_HINT,
    PYTHON_VARIABLE,
    TIMEOUT_VARIABLE,
)

WORKER_SCRIPT = Path(__file__).with_name("worker.py")


class WorkerUnavailableError(Exception):
    """No interpreter with allotropy was found, or the worker could not be started or answer."""


def allotropy_python() -> str:
    """The interpreter the worker runs under (see the module docstring); WorkerUnavailableError if none."""
    configured = os.environ.get(PYTHON_VARIABLE, "").strip()
    if configured:
        if not Path(configured).is_file():
            raise WorkerUnavailableError(
                f"{PYTHON_VARIABLE} is '{configured}', which is not a file. Expected the python of an "
                "environment where allotropy is installed"
            )
        return configured
    if importlib.util.find_spec("allotropy") is not None:
        return sys.executable
    raise WorkerUnavailableError(f"allotropy is not installed. {INSTALL_HINT}")


class AllotropyWorker:
    """One worker process under ``python``; ``request`` is safe to call from several threads."""

    def __init__(self, python: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.python = python
        self.timeout = timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its answer; WorkerUnavailableError when the worker fails."""
        with self._lock:
            process = self._running()
            assert process.stdin is not None and process.stdout is not None
            fired = threading.Event()

            def kill() -> None:
                fired.set()
                process.kill()

            killer = threading.Timer(self.timeout, kill)
            killer.start()
            try:
                process.stdin.write(json.dumps(payload) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError as exc:
                line = ""
                detail = str(exc)
            else:
                detail = ""
            finally:
                killer.cancel()
                killer.join()
            if not line:
                tail = self._stderr_tail()
                self._stop()
                reason = f"it was stopped after {self.timeout:g} s" if fired.is_set() else "it ended"
                raise WorkerUnavailableError(
                    f"The allotropy worker ({self.python}) gave no answer: {reason}. {detail}{tail}"
                )
            answer: dict[str, Any] = json.loads(line)
            return answer

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _running(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        # Kept open for the worker's lifetime (its stderr), closed by _stderr_tail or _stop.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [self.python, str(WORKER_SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                encoding="utf-8",
                env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            )
        except OSError as exc:
            raise WorkerUnavailableError(
                f"The allotropy worker could not be started with '{self.python}': {exc}. {INSTALL_HINT}"
            ) from exc
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # a dead worker's pipe is already broken
                    process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", errors="replace").strip()
        self._stderr.close()
        self._stderr = None
        return f" Its last output: {text[-600:]}" if text else ""


_workers: dict[str, AllotropyWorker] = {}
_workers_lock = threading.Lock()


def shared_worker() -> AllotropyWorker:
    """The process-wide worker for the configured interpreter (started on its first request)."""
    python = allotropy_python()
    with _workers_lock:
        worker = _workers.get(python)
        if worker is None:
            timeout = float(os.environ.get(TIMEOUT_VARIABLE) or DEFAULT_TIMEOUT)
            worker = _workers[python] = AllotropyWorker(python, timeout=timeout)
        return worker


@atexit.register
def close_workers() -> None:
    """End every worker process (at exit, and for tests that need a fresh one)."""
    with _workers_lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()


def unavailable(exc: WorkerUnavailableError, path: Path) -> ParseError:
    return ParseError(f"'{path}' cannot be converted through allotropy: {exc}.", file=path)
