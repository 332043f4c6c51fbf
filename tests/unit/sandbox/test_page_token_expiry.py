"""``page_token_expiry``: each listing's ``nextToken`` refused once, as a token that expired, or never."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from ingest.sandbox import Variants
from tests.support.inprocess_sandbox import Sandbox


def _second_page(sandbox: Sandbox) -> Callable[[], httpx.Response]:
    first = sandbox.client.get("/assay-run-schemas", params={"pageSize": 1}).json()
    token = str(first["nextToken"])
    assert token

    def fetch() -> httpx.Response:
        return sandbox.client.get("/assay-run-schemas", params={"pageSize": 1, "nextToken": token})

    return fetch


@pytest.mark.parametrize(("expiry", "status"), [("first_use_400", 400), ("first_use_404", 404)])
def test_a_token_is_refused_as_expired_the_first_time_it_is_presented(
    make_sandbox: Callable[..., Sandbox], expiry: str, status: int
) -> None:
    sandbox = make_sandbox(variants=Variants.model_validate({"page_token_expiry": expiry}))
    fetch = _second_page(sandbox)
    refused = fetch()
    assert refused.status_code == status
    assert refused.json()["error"]["message"] == "Invalid or expired nextToken."
    again = fetch()
    assert again.status_code == 200
    assert len(again.json()["assayRunSchemas"]) == 1


def test_by_default_a_token_is_accepted_whenever_it_is_presented(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox()
    fetch = _second_page(sandbox)
    assert fetch().status_code == 200


def test_a_first_page_and_an_empty_token_are_never_refused(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(variants=Variants(page_token_expiry="first_use_400"))
    assert sandbox.client.get("/assay-run-schemas", params={"nextToken": ""}).status_code == 200
    assert sandbox.client.get("/assay-run-schemas").status_code == 200
