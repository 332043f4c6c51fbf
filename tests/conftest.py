"""Shared fixtures: clean environment, thread-leak check, real exports, golden files, the sandbox."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.browser import browser_page, chromium_browser  # noqa: F401  (fixtures)
from support.postgres import postgres_dsn, postgres_server  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parents[1]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
GOLDEN_DIR = REPO / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--overwrite", action="store_true", help="rewrite golden files (review the diff!)")
    parser.addoption("--run-slow", action="store_true", help="run the long reliability variants")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's Benchling credentials or settings."""
    for key in list(os.environ):
        if key.startswith(("BENCHLING_", "BENCHLING_INGEST_")):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every thread a test starts is finished when it ends (a short grace period for joins)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    while True:
        leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not leaked, f"test leaked threads: {[t.name for t in leaked]}"


def exports_root() -> Path:
    """The shared real-export folder: ``$BENCHLING_INGEST_EXPORTS`` or ``../shared/instrument-exports``."""
    override = os.environ.get("BENCHLING_INGEST_EXPORTS_DIR")
    return Path(override) if override else REPO.parent / "shared" / "instrument-exports"


@pytest.fixture(scope="session")
def instrument_exports() -> Path:
    """The real third-party exports; tests using them are skipped when the folder is absent."""
    root = exports_root()
    if not (root / "MANIFEST.md").is_file():
        pytest.skip(f"real instrument exports not found at {root}")
    return root


class Golden:
    """Compare a JSON-able value with ``tests/golden/<name>.json``; ``--overwrite`` rewrites it."""

    def __init__(self, overwrite: bool) -> None:
        self.overwrite = overwrite

    def check(self, name: str, value: Any) -> None:
        path = GOLDEN_DIR / f"{name}.json"
        text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
        if self.overwrite or not path.exists():
            if not self.overwrite:
                pytest.fail(f"golden file {path} is missing; run pytest with --overwrite and review it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = json.loads(path.read_text(encoding="utf-8"))
        actual = json.loads(text)
        assert actual == expected, f"output differs from golden file {path}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--overwrite")))
