"""Naming a tenant's answer to a bulk-get of unknown keys, for ``doctor``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ingest.benchling.limiter import RateLimitHeaders
from ingest.benchling.probes import UnknownIdAnswer, classify_unknown_id_answer

ASKED = ["k1", "k2"]


def answer(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "body", "form"),
    [
        (200, {"entities": []}, "partial_200"),
        (400, {"error": {"type": "invalid_request_error"}, "invalidIds": ASKED}, "listing_error_400"),
        (404, {"error": {"type": "invalid_request_error"}, "invalidIds": ASKED}, "listing_error_404"),
        (400, {"error": {"invalidIds": ASKED, "invalidId": "k1"}}, "invalid_ids_400"),
        (404, {"error": {"invalidIds": ASKED}}, "invalid_ids_404"),
        (404, {"error": {"invalidId": "k1"}}, "invalid_id_404"),
        (400, {"error": {"message": "bad"}}, "bad_request_400"),
        (404, {"error": {"message": "not found"}}, "not_found_404"),
        (404, {"error": {"invalidId": "src_registry"}}, "names_other_keys"),
        (200, {"entities": [{"id": "x"}]}, "unrecognised_200"),
        (500, {"error": {}}, "unrecognised_500"),
    ],
)
def test_each_answer_form_has_a_name(status: int, body: Any, form: str) -> None:
    assert classify_unknown_id_answer(answer(status, body), ASKED, "entities") == form


def test_only_answers_the_lookups_read_count_as_understood() -> None:
    def probe(form: str) -> UnknownIdAnswer:
        return UnknownIdAnswer("GET /x", 400, form)

    assert probe("invalid_id_404").understood and probe("invalid_id_404").is_variant
    assert probe("listing_error_404").understood and not probe("listing_error_404").is_variant
    assert not probe("names_other_keys").understood
    assert not probe("unrecognised_500").understood


def test_rate_limit_headers_are_read_when_the_limit_is_there() -> None:
    headers = {"x-rate-limit-limit": "60", "x-rate-limit-remaining": "12", "x-rate-limit-reset": "7"}
    assert RateLimitHeaders.from_headers(headers) == RateLimitHeaders(60, 12, 7.0)
    assert RateLimitHeaders.from_headers({"x-rate-limit-remaining": "3"}) is None
