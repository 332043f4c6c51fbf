"""Headless Chromium for browser tests: Debian's ``chromium`` driven by Playwright, never a downloaded one.

Playwright's Python package brings only its driver; the browser is the system executable, started with
the flags this closed network needs (no background connections, no component updates).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HOW_TO_ENABLE = (
    "Chromium is not installed: run `apt-get install chromium` (make test does it when run as root), "
    "then run the tests again."
)

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_executable() -> Path | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def require_chromium() -> Path:
    """The system Chromium; skips the test (fails it when ``CI=true``) when it is missing."""
    executable = chromium_executable()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {HOW_TO_ENABLE}")
        pytest.skip(HOW_TO_ENABLE)
    return executable


@pytest.fixture
def chromium_browser() -> Iterator[Browser]:
    """A headless Chromium (a Playwright ``Browser``) for one test.

    Not shared wider: while Playwright's sync API is open it keeps an asyncio loop running in the main
    thread, and every later ``asyncio.run`` there (the in-process sandbox) would fail.
    """
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS), chromium_sandbox=False
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh page (its own context: no cookies or storage shared between tests)."""
    context = chromium_browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
