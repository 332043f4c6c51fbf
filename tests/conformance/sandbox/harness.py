"""Types shared by the sandbox conformance fixtures and tests: the spec-checking response hook and the
signatures of the factory fixtures."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from benchling_sdk.benchling import Benchling
from conformance.openapi_spec import OpenApiSpec, SpecMismatch

from ingest.sandbox import SandboxServer

StartSandbox = Callable[..., SandboxServer]
MakeClient = Callable[..., httpx.Client]
MakeBenchling = Callable[..., Benchling]


class SpecChecker:
    """An httpx response hook: validates each response against the spec and remembers every mismatch.

    It raises at once (so the request's caller fails), and the fixture asserts at teardown that nothing
    was recorded (so a mismatch swallowed by a caller's ``except`` still fails the test).
    """

    def __init__(self, spec: OpenApiSpec) -> None:
        self.spec = spec
        self.mismatches: list[str] = []
        self.checked = 0

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        self.checked += 1
        problems = self.spec.response_problems(response)
        if problems:
            message = "\n  ".join(problems) + f"\n  body: {response.content[:600]!r}"
            self.mismatches.append(message)
            raise SpecMismatch(
                "Sandbox response does not conform to the Benchling OpenAPI spec:\n  " + message
            )
