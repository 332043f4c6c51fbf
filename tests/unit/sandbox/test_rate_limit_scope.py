"""Who shares a request budget (``rate_limit_scope``) and the hourly cap on POST /assay-results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ingest.sandbox import ManualClock, RateLimit, Variants
from tests.support.inprocess_sandbox import Sandbox, result_item

KEYS = ("sandbox-api-key", "second-user-key")
APPS = {"app-one": "secret-one", "app-two": "secret-two"}


def _sandbox(make_sandbox: Callable[..., Sandbox], scope: str, **overrides: Any) -> Sandbox:
    settings: dict[str, Any] = {
        "clock": ManualClock(),
        "api_keys": KEYS,
        "oauth_clients": APPS,
        "rate_limit": RateLimit(2, 30),
        "app_rate_limit": RateLimit(3, 30),
        "all_apps_rate_limit": RateLimit(4, 30),
        "variants": Variants.model_validate({"rate_limit_scope": scope}),
    }
    settings.update(overrides)
    return make_sandbox(**settings)


def _bearer(sandbox: Sandbox, app: str) -> dict[str, str]:
    token = sandbox.anonymous.post(
        "/token", data={"grant_type": "client_credentials"}, auth=(app, APPS[app])
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _status_as_key(sandbox: Sandbox, key: str) -> int:
    return sandbox.anonymous.get("/dropdowns", auth=(key, "")).status_code


def _status_as_app(sandbox: Sandbox, headers: dict[str, str]) -> int:
    return sandbox.anonymous.get("/dropdowns", headers=headers).status_code


def test_tenant_scope_user_keys_share_one_budget(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = _sandbox(make_sandbox, "tenant")
    assert [_status_as_key(sandbox, k) for k in (KEYS[0], KEYS[1], KEYS[1], KEYS[0])] == [200, 200, 429, 429]
    limited = sandbox.anonymous.get("/dropdowns", auth=(KEYS[1], ""))
    assert limited.json()["error"]["message"] == "Rate limit exceeded."
    assert limited.headers["x-rate-limit-limit"] == "2" and limited.headers["x-rate-limit-remaining"] == "0"


def test_tenant_scope_apps_have_their_own_budget_and_a_shared_ceiling(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = _sandbox(make_sandbox, "tenant")
    one, two = _bearer(sandbox, "app-one"), _bearer(sandbox, "app-two")
    # Users exhausting their budget do not touch the apps'.
    assert [_status_as_key(sandbox, KEYS[0]) for _ in range(3)] == [200, 200, 429]
    first = sandbox.anonymous.get("/dropdowns", headers=one)
    assert first.status_code == 200 and first.headers["x-rate-limit-limit"] == "3"
    assert [_status_as_app(sandbox, one) for _ in range(3)] == [200, 200, 429]
    # app-two has 3 of its own, but all apps together have only 4: one left.
    assert _status_as_app(sandbox, two) == 200
    ceiling = sandbox.anonymous.get("/dropdowns", headers=two)
    assert ceiling.status_code == 429
    # The all-apps budget is in no header: app-two's own budget still shows room.
    assert ceiling.headers["x-rate-limit-remaining"] == "2"
    assert isinstance(sandbox.clock, ManualClock)
    sandbox.clock.advance(30)
    assert _status_as_app(sandbox, two) == 200


def test_credential_scope_gives_every_credential_its_own_budget(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = _sandbox(make_sandbox, "credential")
    assert [_status_as_key(sandbox, k) for k in (KEYS[0], KEYS[0], KEYS[0])] == [200, 200, 429]
    assert [_status_as_key(sandbox, KEYS[1]) for _ in range(3)] == [200, 200, 429]
    app = _bearer(sandbox, "app-one")
    assert [_status_as_app(sandbox, app) for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("scope", ["tenant", "credential"])
def test_failed_authentications_spend_the_anonymous_budget(
    make_sandbox: Callable[..., Sandbox], scope: str
) -> None:
    sandbox = _sandbox(make_sandbox, scope)
    assert [_status_as_key(sandbox, "wrong") for _ in range(3)] == [401, 401, 429]
    assert _status_as_key(sandbox, KEYS[0]) == 200


def test_results_hourly_cap_is_tenant_wide_and_rolls(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = _sandbox(
        make_sandbox, "tenant", clock=clock, rate_limit=None, variants=Variants(results_hourly_cap=3)
    )
    run_id = sandbox.create_run()

    def post(key: str) -> int:
        body = {"assayResults": [result_item(run_id)]}
        return sandbox.anonymous.post("/assay-results", json=body, auth=(key, "")).status_code

    assert post(KEYS[0]) == 200
    clock.advance(1000)
    assert [post(KEYS[1]), post(KEYS[0])] == [200, 200]
    capped = sandbox.anonymous.post(
        "/assay-results", json={"assayResults": [result_item(run_id)]}, auth=(KEYS[0], "")
    )
    assert capped.status_code == 429 and capped.json()["error"]["type"] == "invalid_request_error"
    # Other endpoints, bulk-create included, are not capped.
    assert sandbox.client.get("/dropdowns").status_code == 200
    bulk = sandbox.client.post("/assay-results:bulk-create", json={"assayResults": [result_item(run_id)]})
    assert bulk.status_code == 202
    clock.advance(2600)  # the first request leaves the rolling hour
    assert post(KEYS[0]) == 200
    assert post(KEYS[0]) == 429
    assert len(sandbox.state.store.results()) == 5


@pytest.mark.parametrize("covers", ["assay_results", "all_result_writes"])
def test_which_result_writes_the_hourly_cap_counts(make_sandbox: Callable[..., Sandbox], covers: str) -> None:
    variants = Variants.model_validate({"results_hourly_cap": 2, "results_cap_covers": covers})
    sandbox = make_sandbox(rate_limit=None, variants=variants)
    run_id = sandbox.create_run()
    transaction = sandbox.client.post("/result-transactions").json()["id"]
    statuses = [
        sandbox.client.post(
            f"/result-transactions/{transaction}/results", json={"assayResults": [result_item(run_id)]}
        ).status_code,
        sandbox.client.post(
            "/assay-results:bulk-create", json={"assayResults": [result_item(run_id)]}
        ).status_code,
        sandbox.client.post("/assay-results", json={"assayResults": [result_item(run_id)]}).status_code,
    ]
    if covers == "assay_results":
        assert statuses == [200, 202, 200]
    else:
        assert statuses == [200, 202, 429]
