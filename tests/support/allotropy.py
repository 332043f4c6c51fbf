"""The allotropy environment for the bridge's tests: ``.venv-allotropy`` (``make venv`` builds it).

allotropy cannot live in the test environment (it pins ``jsonschema<4.18``; the conformance tools need
``>=4.18``), so the bridge runs it there through ``BENCHLING_INGEST_ALLOTROPY_PYTHON``, exactly as a site
with allotropy in an environment of its own would. Without that environment the tests using the fixture
are skipped on a developer's machine and fail in CI (``CI`` set), where ``make test`` must have built it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from parsers.allotropy_bridge.constants import PYTHON_VARIABLE

REPO = Path(__file__).resolve().parents[2]
ALLOTROPY_VENV = REPO / ".venv-allotropy"


def allotropy_interpreter() -> Path:
    scripts = "Scripts" if sys.platform == "win32" else "bin"
    return ALLOTROPY_VENV / scripts / ("python.exe" if sys.platform == "win32" else "python")


@pytest.fixture
def allotropy_python(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The allotropy environment's python, set as the bridge's interpreter for this test."""
    python = allotropy_interpreter()
    if not python.is_file():
        message = f"no allotropy environment at {ALLOTROPY_VENV}: run 'make venv'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv(PYTHON_VARIABLE, str(python))
    return python
