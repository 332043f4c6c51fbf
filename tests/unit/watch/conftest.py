"""Fixtures for the watcher's unit tests."""

from __future__ import annotations

import pytest

from tests.support.watch_fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
