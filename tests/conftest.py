"""Shared fixtures: clean environment, thread-leak check, real exports, golden files, the sandbox."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.errors import forget_secrets
from tests.support.allotropy import allotropy_python  # noqa: F401  (fixture)
from tests.support.browser import browser_page, chromium_browser  # noqa: F401  (fixtures)
from tests.support.golden import Golden
from tests.support.postgres import postgres_dsn, postgres_server  # noqa: F401  (fixtures)
from tests.support.test_plugin import install_for_session, uninstall
from tests.support.variant_matrix import DEFAULT, VariantCase, parametrize_variants

REPO = Path(__file__).resolve().parents[1]
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--overwrite", action="store_true", help="rewrite golden files (review the diff!)")
    parser.addoption("--run-slow", action="store_true", help="run the long reliability variants")


def pytest_configure(config: pytest.Config) -> None:
    """The example third-party parser package is installed for the tests only (see support.test_plugin)."""
    config.stash[_PLUGIN_SITE] = install_for_session()


def pytest_unconfigure(config: pytest.Config) -> None:
    site = config.stash.get(_PLUGIN_SITE, None)
    if site is not None:
        uninstall(site)


_PLUGIN_SITE = pytest.StashKey[Path]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_variants(metafunc)


@pytest.fixture
def sandbox_variant() -> VariantCase:
    """The sandbox behaviour a test runs under: the defaults, or each matrix case for tests marked
    ``variant_matrix`` (see ``tests.support.variant_matrix``)."""
    return DEFAULT


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the developer's Benchling credentials or settings, nor their default ledger: the
    per-user data folder (platformdirs) is a fresh temporary one, for CLI subprocesses too."""
    for key in list(os.environ):
        if key.startswith(("BENCHLING_", "BENCHLING_INGEST_")):
            monkeypatch.delenv(key, raising=False)
    data_home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    if sys.platform == "win32":
        monkeypatch.setenv("LOCALAPPDATA", str(data_home))


@pytest.fixture(autouse=True)
def secrets_of_this_test_only() -> Iterator[None]:
    """Settings register their secrets for masking process-wide; one test's key must not mask another's
    messages."""
    yield
    forget_secrets()


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


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compares values with expected JSON files (see ``support.golden``); ``--overwrite`` rewrites them."""
    return Golden(overwrite=bool(request.config.getoption("--overwrite")))
