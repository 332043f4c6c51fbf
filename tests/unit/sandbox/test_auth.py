from __future__ import annotations

from collections.abc import Callable

from ingest.sandbox import ManualClock
from tests.support.inprocess_sandbox import Sandbox


def _assert_envelope(body: dict[str, object], error_type: str = "invalid_request_error") -> None:
    error = body["error"]
    assert isinstance(error, dict)
    assert error["type"] == error_type
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["userMessage"], str)


def test_missing_credentials_get_401_in_benchling_envelope_with_rate_headers(sandbox: Sandbox) -> None:
    response = sandbox.anonymous.get("/assay-run-schemas")
    assert response.status_code == 401
    _assert_envelope(response.json())
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(response.headers)


def test_wrong_api_key_and_non_empty_password_are_rejected(sandbox: Sandbox) -> None:
    assert sandbox.anonymous.get("/assay-run-schemas", auth=("wrong-key", "")).status_code == 401
    response = sandbox.anonymous.get("/assay-run-schemas", auth=("sandbox-api-key", "password"))
    assert response.status_code == 401
    assert "empty password" in response.json()["error"]["message"]


def test_api_key_as_basic_user_name_is_accepted(sandbox: Sandbox) -> None:
    assert sandbox.client.get("/assay-run-schemas").status_code == 200


def test_client_credentials_token_works_via_basic_and_via_form_fields(sandbox: Sandbox) -> None:
    by_basic = sandbox.anonymous.post(
        "/token", data={"grant_type": "client_credentials"}, auth=("sandbox-client", "sandbox-secret")
    )
    assert by_basic.status_code == 200
    body = by_basic.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    by_form = sandbox.anonymous.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
        },
    )
    assert by_form.status_code == 200
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert sandbox.anonymous.get("/assay-run-schemas", headers=headers).status_code == 200


def test_token_expires_on_the_injected_clock(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, token_ttl_seconds=60)
    token = sandbox.anonymous.post(
        "/token", data={"grant_type": "client_credentials"}, auth=("sandbox-client", "sandbox-secret")
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(59)
    assert sandbox.anonymous.get("/dropdowns", headers=headers).status_code == 200
    clock.advance(1)
    expired = sandbox.anonymous.get("/dropdowns", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]


def test_token_endpoint_oauth_errors(sandbox: Sandbox) -> None:
    bad_secret = sandbox.anonymous.post(
        "/token", data={"grant_type": "client_credentials"}, auth=("sandbox-client", "nope")
    )
    assert bad_secret.status_code == 401
    _assert_envelope(bad_secret.json(), "invalid_client")
    bad_grant = sandbox.anonymous.post(
        "/token", data={"grant_type": "password"}, auth=("sandbox-client", "x")
    )
    assert bad_grant.status_code == 400
    _assert_envelope(bad_grant.json(), "unsupported_grant_type")
    missing = sandbox.anonymous.post("/token", data={"client_id": "sandbox-client"})
    assert missing.status_code == 400
    _assert_envelope(missing.json(), "invalid_request")


def test_html_page_needs_no_auth(sandbox: Sandbox) -> None:
    sandbox.create_run()
    response = sandbox.anonymous.get("http://sandbox/")
    assert response.status_code == 200
    assert "Chromatography Run" in response.text
