from __future__ import annotations

from collections.abc import Callable

import yaml

from ingest.sandbox import ManualClock, RateLimit
from tests.support.inprocess_sandbox import Sandbox
from tests.support.paths import TENANT_FILE as TENANT


def test_fixed_window_answers_429_with_benchling_body_then_resets(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, rate_limit=RateLimit(3, 30))
    remaining = [sandbox.client.get("/dropdowns").headers["x-rate-limit-remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    limited = sandbox.client.get("/dropdowns")
    assert limited.status_code == 429
    assert limited.json() == {
        "error": {
            "message": "Rate limit exceeded.",
            "type": "invalid_request_error",
            "userMessage": "Rate limit exceeded.",
        }
    }
    assert limited.headers["x-rate-limit-limit"] == "3"
    assert limited.headers["x-rate-limit-reset"] == "30"
    clock.advance(30)
    assert sandbox.client.get("/dropdowns").status_code == 200


def test_sliding_window_frees_slots_as_requests_age(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, rate_limit=RateLimit(2, 10, sliding=True))
    sandbox.client.get("/dropdowns")
    clock.advance(5)
    sandbox.client.get("/dropdowns")
    assert sandbox.client.get("/dropdowns").status_code == 429
    clock.advance(5)
    assert sandbox.client.get("/dropdowns").status_code == 200


def test_pagination_empty_next_token_is_first_page_and_last_page_has_empty_token(sandbox: Sandbox) -> None:
    expected = {s["id"] for s in yaml.safe_load(TENANT.read_text(encoding="utf-8"))["assay_run_schemas"]}
    page = sandbox.client.get("/assay-run-schemas", params={"nextToken": "", "pageSize": 1}).json()
    assert len(page["assayRunSchemas"]) == 1 and page["nextToken"] != ""
    ids = [page["assayRunSchemas"][0]["id"]]
    for _ in range(len(expected)):  # one page per schema, then an empty token on the last
        if page["nextToken"] == "":
            break
        page = sandbox.client.get(
            "/assay-run-schemas", params={"nextToken": page["nextToken"], "pageSize": 1}
        ).json()
        ids += [s["id"] for s in page["assayRunSchemas"]]
    assert page["nextToken"] == ""
    assert len(ids) == len(expected) and set(ids) == expected


def test_page_size_above_100_and_foreign_tokens_are_400(sandbox: Sandbox) -> None:
    too_big = sandbox.client.get("/dropdowns", params={"pageSize": 101})
    assert too_big.status_code == 400
    assert "pageSize" in too_big.json()["error"]["message"]
    assert sandbox.client.get("/dropdowns", params={"nextToken": "garbage!"}).status_code == 400
    token = sandbox.client.get("/assay-run-schemas", params={"pageSize": 1}).json()["nextToken"]
    assert sandbox.client.get("/dropdowns", params={"nextToken": token}).status_code == 400
