"""The allotropy worker client: which interpreter, answers, and a worker that dies, hangs or lacks allotropy.

Real processes throughout (no mocks of our own calls): the worker script under this interpreter (which
has no allotropy), and small stand-in programs for a worker that exits or never answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers.allotropy_bridge.constants import PYTHON_VARIABLE
from parsers.allotropy_bridge.parser import ALL_BRIDGE_PARSERS, allotropy_available, bridge_parsers
from parsers.allotropy_bridge.worker_client import (
    AllotropyWorker,
    WorkerUnavailableError,
    allotropy_python,
    close_workers,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="stand-in workers are shell scripts")


def softmax() -> type:
    (cls,) = [c for c in ALL_BRIDGE_PARSERS if c.name == "allotropy_moldev_softmax_pro"]
    return cls


@pytest.fixture(autouse=True)
def fresh_workers() -> object:
    close_workers()
    yield
    close_workers()


def stand_in(tmp_path: Path, body: str) -> Path:
    """An executable that is given the worker script's path as its argument and runs ``body``."""
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_no_interpreter_and_no_allotropy_is_unavailable() -> None:
    with pytest.raises(WorkerUnavailableError, match="allotropy is not installed"):
        allotropy_python()
    assert not allotropy_available() and bridge_parsers() == ()


def test_the_variable_must_name_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PYTHON_VARIABLE, str(tmp_path / "missing-python"))
    with pytest.raises(WorkerUnavailableError, match="is not a file"):
        allotropy_python()
    assert bridge_parsers() == ALL_BRIDGE_PARSERS  # listed: the variable says allotropy is meant to be there


def test_a_worker_without_allotropy_answers_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PYTHON_VARIABLE, sys.executable)
    path = tmp_path / "plate.txt"
    path.write_text("##BLOCKS= 1\n", encoding="utf-8")
    with pytest.raises(ParseError, match="the worker's python has no allotropy"):
        softmax()().parse(path)


def test_the_worker_answers_bad_requests_and_keeps_serving() -> None:
    worker = AllotropyWorker(sys.executable, timeout=120)
    try:
        assert worker.request({"op": "nonsense"}) == {
            "ok": False,
            "error": "BadRequest",
            "message": "unknown op 'nonsense'",
        }
        assert worker.request({"op": "vendors"})["error"] == "AllotropyMissing"
    finally:
        worker.close()


@posix_only
def test_a_worker_that_exits_is_reported_with_its_output(tmp_path: Path) -> None:
    worker = AllotropyWorker(str(stand_in(tmp_path, "echo 'cannot start' >&2; exit 3")), timeout=60)
    with pytest.raises(WorkerUnavailableError, match=r"gave no answer: it ended\..*cannot start"):
        worker.request({"op": "vendors"})
    worker.close()


@posix_only
def test_a_worker_that_never_answers_is_stopped_after_the_timeout(tmp_path: Path) -> None:
    worker = AllotropyWorker(str(stand_in(tmp_path, "exec sleep 600")), timeout=0.5)
    with pytest.raises(WorkerUnavailableError, match=r"stopped after 0.5 s"):
        worker.request({"op": "vendors"})
    worker.close()


@posix_only
def test_a_dead_worker_becomes_the_files_parse_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PYTHON_VARIABLE, str(stand_in(tmp_path, "exit 1")))
    path = tmp_path / "plate.txt"
    path.write_text("##BLOCKS= 1\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"cannot be converted through allotropy: The allotropy worker"):
        softmax()().parse(path)


def test_a_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="does not exist"):
        softmax()().parse(tmp_path / "missing.txt")
