"""Fixtures for the watcher's unit tests."""

from __future__ import annotations

import pytest
from watcher_fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
