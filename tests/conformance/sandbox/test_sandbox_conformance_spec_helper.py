"""The spec validator itself: it finds the right operation and rejects what the spec (and docs) forbid."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conformance.openapi_spec import OpenApiSpec, SpecMismatch, load_spec

BASE = "http://127.0.0.1:9/api/v2"
RUN_ID = "1f0c2a4e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"


@pytest.fixture(scope="module")
def spec() -> OpenApiSpec:
    return load_spec()


def response(method: str, path: str, status: int, body: Any = None, **kwargs: Any) -> httpx.Response:
    request = httpx.Request(method, BASE + path if path.startswith("/") else path)
    if body is None:
        return httpx.Response(status, request=request, **kwargs)
    return httpx.Response(status, json=body, request=request, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/assay-runs", "/assay-runs"),
        ("GET", f"/assay-runs/{RUN_ID}", "/assay-runs/{assay_run_id}"),
        ("GET", "/assay-runs:bulk-get", "/assay-runs:bulk-get"),
        ("POST", "/assay-results:bulk-create", "/assay-results:bulk-create"),
        ("POST", f"/blobs/{RUN_ID}:complete-upload", "/blobs/{blob_id}:complete-upload"),
        ("POST", f"/blobs/{RUN_ID}/parts", "/blobs/{blob_id}/parts"),
        ("GET", f"/blobs/{RUN_ID}", "/blobs/{blob_id}"),
        ("POST", f"/result-transactions/{RUN_ID}:commit", "/result-transactions/{transaction_id}:commit"),
        (
            "GET",
            "/registries/src_samplereg/registered-entities:bulk-get",
            "/registries/{registry_id}/registered-entities:bulk-get",
        ),
    ],
)
def test_operation_found_by_method_and_template(
    spec: OpenApiSpec, method: str, path: str, template: str
) -> None:
    operation = spec.find_operation(method, path)
    assert operation is not None
    assert operation.template == template


def test_unknown_operation_is_a_problem(spec: OpenApiSpec) -> None:
    # The legacy GET /assay-schemas is not in the stable spec.
    problems = spec.response_problems(response("GET", "/assay-schemas", 200, {"assaySchemas": []}))
    assert problems and "not an operation" in problems[0]


def test_conforming_list_passes(spec: OpenApiSpec) -> None:
    assert (
        spec.response_problems(response("GET", "/assay-runs", 200, {"assayRuns": [], "nextToken": ""})) == []
    )


def test_null_next_token_is_rejected(spec: OpenApiSpec) -> None:
    problems = spec.response_problems(
        response("GET", "/assay-runs", 200, {"assayRuns": [], "nextToken": None})
    )
    assert any("nextToken" in p for p in problems), problems


def test_check_response_raises_with_every_problem(spec: OpenApiSpec) -> None:
    bad = response("GET", "/assay-runs", 200, {"assayRuns": "x", "nextToken": None})
    with pytest.raises(SpecMismatch, match="nextToken") as info:
        spec.check_response(bad)
    assert "assayRuns" in str(info.value)


def test_bad_enum_and_uuid_format_are_rejected(spec: OpenApiSpec) -> None:
    blob = {"id": "not-a-uuid", "name": "a", "type": "PDF", "uploadStatus": "COMPLETE", "mimeType": "x/y"}
    problems = spec.response_problems(response("POST", "/blobs", 200, blob))
    assert any("not-a-uuid" in p for p in problems), problems
    assert any("PDF" in p for p in problems), problems


def test_undocumented_status_is_a_problem(spec: OpenApiSpec) -> None:
    problems = spec.response_problems(response("POST", "/blobs", 201, {"id": RUN_ID}))
    assert problems and "does not document" in problems[0]


def test_allow_listed_429_with_documented_body_passes(spec: OpenApiSpec) -> None:
    body = {
        "error": {
            "message": "Rate limit exceeded.",
            "type": "invalid_request_error",
            "userMessage": "Rate limit exceeded.",
        }
    }
    assert spec.response_problems(response("GET", "/assay-runs", 429, body)) == []


@pytest.mark.parametrize("status", [400, 401, 413, 429])
def test_allow_listed_status_still_needs_the_envelope(spec: OpenApiSpec, status: int) -> None:
    problems = spec.response_problems(response("GET", "/assay-runs", status, {"message": "nope"}))
    assert problems and "envelope" in problems[0]


def test_documented_error_without_user_message_is_rejected(spec: OpenApiSpec) -> None:
    body = {"error": {"type": "invalid_request_error", "message": "Bad md5."}}
    problems = spec.response_problems(response("POST", "/blobs", 400, body))
    assert any("userMessage" in p for p in problems), problems


def test_wrong_error_type_is_rejected(spec: OpenApiSpec) -> None:
    body = {"error": {"type": "validation_error", "message": "m", "userMessage": "m"}}
    assert spec.response_problems(response("POST", "/blobs", 400, body))


def test_bulk_create_error_body_is_the_documented_shape(spec: OpenApiSpec) -> None:
    body = {"assayRuns": None, "errors": [{"fields": {"instrument": "required"}, "global": []}]}
    assert spec.response_problems(response("POST", "/assay-runs", 400, body)) == []


def test_json_body_with_wrong_content_type_is_rejected(spec: OpenApiSpec) -> None:
    bad = response("GET", "/assay-runs", 200, content=b"{}", headers={"content-type": "text/plain"})
    assert spec.response_problems(bad)


def test_responses_outside_the_api_are_not_checked(spec: OpenApiSpec) -> None:
    assert spec.response_problems(response("GET", "http://127.0.0.1:9/blob-downloads/x", 200)) == []


def test_both_field_forms_are_valid_run_creates(spec: OpenApiSpec) -> None:
    for fields in ({"instrument": "LC-1"}, {"instrument": {"value": "LC-1"}}):
        create = {"schemaId": "assaysch_chromrun01", "fields": fields}
        assert spec.schema_problems("AssayRunCreate", create) == []
    assert spec.schema_problems("AssayRunCreate", {"fields": {}})  # schemaId is required


def test_nullable_reference_accepts_null_but_not_other_types(spec: OpenApiSpec) -> None:
    # Schema.archiveRecord is {"allOf": [{"$ref": ArchiveRecord}], "nullable": true} in the spec.
    schema: dict[str, Any] = {
        "id": "assaysch_x",
        "name": "X",
        "type": "assay_run",
        "archiveRecord": None,
        "fieldDefinitions": [],
    }
    assert spec.schema_problems("AssayRunSchema", schema) == []
    assert spec.schema_problems("AssayRunSchema", {**schema, "archiveRecord": {"reason": "Archived"}}) == []
    assert spec.schema_problems("AssayRunSchema", {**schema, "archiveRecord": "Archived"})
