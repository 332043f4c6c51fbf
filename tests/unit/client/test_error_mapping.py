from __future__ import annotations

import httpx
import pytest

from ingest.benchling.error_mapping import error_from_exception, error_from_response
from ingest.errors import (
    AmbiguousWriteError,
    BenchlingAuthError,
    BenchlingNotFoundError,
    BenchlingRejectedError,
    BenchlingUnavailableError,
    RateLimitedError,
)


def envelope(
    status: int, type_: str = "invalid_request_error", message: str = "Bad thing."
) -> httpx.Response:
    return httpx.Response(status, json={"error": {"type": type_, "message": message, "userMessage": message}})


@pytest.mark.parametrize(
    ("status", "write", "expected"),
    [
        (400, False, BenchlingRejectedError),
        (401, False, BenchlingAuthError),
        (403, True, BenchlingAuthError),
        (404, False, BenchlingNotFoundError),
        (429, True, RateLimitedError),
        (500, False, BenchlingUnavailableError),
        (502, True, AmbiguousWriteError),
        (503, True, AmbiguousWriteError),
        (504, False, BenchlingUnavailableError),
    ],
)
def test_each_status_maps_to_one_error_type(status: int, write: bool, expected: type[Exception]) -> None:
    error = error_from_response(envelope(status), method="POST", path="/assay-runs", write=write)
    assert type(error) is expected
    assert error.status == status
    assert error.method == "POST"
    assert error.path == "/assay-runs"
    assert error.error_type == "invalid_request_error"
    assert error.benchling_message == "Bad thing."
    assert "POST /assay-runs" in str(error)


def test_retryable_follows_the_type() -> None:
    assert not error_from_response(envelope(400), method="GET", path="/x", write=False).retryable
    assert error_from_response(envelope(503), method="GET", path="/x", write=False).retryable


def test_bulk_create_error_envelope_is_described_by_field() -> None:
    response = httpx.Response(
        400,
        json={
            "assayRuns": None,
            "errors": [{"fields": {"sample": {"message": "not a custom entity"}}, "global": ["bad schema"]}],
        },
    )
    error = error_from_response(response, method="POST", path="/assay-runs", write=True)
    assert isinstance(error, BenchlingRejectedError)
    assert "item 0 field 'sample': not a custom entity" in str(error)
    assert "item 0: bad schema" in str(error)


def test_oauth_rfc_errors_are_understood() -> None:
    response = httpx.Response(401, json={"error": "invalid_client", "error_description": "Unknown client."})
    error = error_from_response(response, method="POST", path="/token", write=False)
    assert isinstance(error, BenchlingAuthError)
    assert error.error_type == "invalid_client"


def test_rate_limit_error_carries_the_reset() -> None:
    response = httpx.Response(
        429, headers={"x-rate-limit-reset": "12"}, json={"error": {"message": "Rate limit exceeded."}}
    )
    error = error_from_response(response, method="GET", path="/assay-runs", write=False)
    assert isinstance(error, RateLimitedError)
    assert error.context["reset_seconds"] == "12"


def test_non_json_bodies_still_give_a_message() -> None:
    error = error_from_response(httpx.Response(502, text="Bad Gateway"), method="GET", path="/x", write=False)
    assert error.benchling_message == "Bad Gateway"


def test_network_failures_before_sending_are_not_ambiguous() -> None:
    request = httpx.Request("POST", "https://t.example/api/v2/assay-runs")
    not_sent = error_from_exception(
        httpx.ConnectError("refused", request=request), method="POST", path="/a", write=True
    )
    assert type(not_sent) is BenchlingUnavailableError
    dropped = error_from_exception(
        httpx.RemoteProtocolError("disconnected", request=request), method="POST", path="/a", write=True
    )
    assert isinstance(dropped, AmbiguousWriteError)
    timeout = error_from_exception(
        httpx.ReadTimeout("slow", request=request), method="GET", path="/a", write=False
    )
    assert type(timeout) is BenchlingUnavailableError


def test_unknown_ids_are_read_inside_and_next_to_the_error() -> None:
    inside = httpx.Response(400, json={"error": {"message": "x", "invalidIds": ["a"], "invalidId": "a"}})
    beside = httpx.Response(400, json={"error": {"message": "x"}, "invalidIds": ["b", "c"]})
    one = httpx.Response(404, json={"error": {"message": "x", "invalidId": "d"}})
    for response, expected in ((inside, ["a"]), (beside, ["b", "c"])):
        assert (
            error_from_response(response, method="GET", path="/x", write=False).context["invalidIds"]
            == expected
        )
    assert error_from_response(one, method="GET", path="/x", write=False).context["invalidId"] == "d"
