"""Sandbox unit-test fixtures: the app driven in-process through httpx, on a manual clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ingest.sandbox import ManualClock, SandboxConfig, load_tenant
from tests.support.inprocess_sandbox import SMALL_LIMITS, TENANT, Sandbox


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    made: list[Sandbox] = []

    def make(**overrides: Any) -> Sandbox:
        settings: dict[str, Any] = {"clock": ManualClock(), "rate_limit": None, "limits": SMALL_LIMITS}
        settings.update(overrides)
        sandbox = Sandbox(SandboxConfig(tenant=load_tenant(TENANT), **settings))
        made.append(sandbox)
        return sandbox

    yield make
    for sandbox in made:
        sandbox.close()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()
