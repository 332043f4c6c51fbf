"""Benchling's field validation rules over HTTP: each broken rule gets a 400 in Benchling's error shape that
names the field (and the bad id where there is one), and nothing is stored.

POST /assay-runs answers the documented AssayRunsBulkCreateErrorResponse; POST /assay-results the error
envelope; both shapes are enforced by the spec hook, these tests check status, wording and the store.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conformance.sandbox.wire import (
    PLATE_RESULT_SCHEMA,
    PLATE_RUN_SCHEMA,
    RESULT_SCHEMA,
    RUN_SCHEMA,
    SAMPLE,
    blob_body,
    error_text,
    new_uuid,
    result_create,
    run_create,
)

from ingest.sandbox import SandboxServer

DROP = object()  # a field value meaning "leave this required field out"


def with_fields(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    fields = dict(body["fields"])
    for key, value in overrides.items():
        if value is DROP:
            fields.pop(key, None)
        else:
            fields[key] = value
    return {**body, "fields": fields}


def create_run(api: httpx.Client, schema_id: str = RUN_SCHEMA, **fields: Any) -> str:
    body = {"schemaId": schema_id, "fields": {"instrument": "LC-01", **fields}}
    response = api.post("/assay-runs", json={"assayRuns": [body]})
    assert response.status_code == 200, response.text
    run_ids: list[str] = response.json()["assayRuns"]
    return run_ids[0]


@pytest.fixture
def run_id(api: httpx.Client) -> str:
    return create_run(api)


@pytest.fixture
def plate_run_id(api: httpx.Client) -> str:
    return create_run(api, PLATE_RUN_SCHEMA)


@pytest.fixture
def in_progress_blob(api: httpx.Client) -> str:
    response = api.post("/blobs:start-multipart-upload", json={"name": "big.raw", "type": "RAW_FILE"})
    assert response.status_code == 200, response.text
    assert response.json()["uploadStatus"] == "IN_PROGRESS"
    blob_id: str = response.json()["id"]
    return blob_id


def assert_rejected(response: httpx.Response, *names: str) -> None:
    assert response.status_code == 400, f"expected 400, got {response.status_code}: {response.text}"
    text = error_text(response.json())
    for name in names:
        assert name in text, f"the error does not name {name!r}: {text}"


# --- runs ------------------------------------------------------------------------------------------------

MISSING_BLOB = "5b0f1c1e-0000-4000-8000-000000000000"

RUN_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("missing-required-text", {"instrument": DROP}, ("instrument",)),
    ("unknown-field-key", {"instrument_name": "LC-01"}, ("instrument_name",)),
    ("text-gets-number", {"operator": 42}, ("operator",)),
    ("long-text-gets-list", {"notes": ["a", "b"]}, ("notes",)),
    ("float-gets-text", {"injection_volume_ul": "five"}, ("injection_volume_ul",)),
    ("float-gets-boolean", {"injection_volume_ul": True}, ("injection_volume_ul",)),
    ("datetime-gets-garbage", {"injection_time": "yesterday at noon"}, ("injection_time",)),
    ("dropdown-unknown-option", {"run_status": "sfso_maybe"}, ("run_status", "sfso_maybe")),
    ("dropdown-option-of-other-dropdown", {"run_status": "sfso_accepted"}, ("run_status",)),
    ("blob-link-missing-blob", {"source_file": MISSING_BLOB}, ("source_file", MISSING_BLOB)),
    ("list-on-non-multi", {"instrument": ["LC-01", "LC-02"]}, ("instrument",)),
]


@pytest.mark.parametrize(("overrides", "names"), [c[1:] for c in RUN_CASES], ids=[c[0] for c in RUN_CASES])
def test_run_create_rule(
    api: httpx.Client, sandbox: SandboxServer, overrides: dict[str, Any], names: tuple[str, ...]
) -> None:
    response = api.post("/assay-runs", json={"assayRuns": [with_fields(run_create(), overrides)]})
    assert_rejected(response, *names)
    assert response.json().get("assayRuns") is None
    assert sandbox.store.runs() == []


def test_run_rule_applies_to_value_object_form(api: httpx.Client, sandbox: SandboxServer) -> None:
    body = {
        "schemaId": RUN_SCHEMA,
        "fields": {"instrument": {"value": "LC-01"}, "injection_volume_ul": {"value": "x"}},
    }
    assert_rejected(api.post("/assay-runs", json={"assayRuns": [body]}), "injection_volume_ul")
    assert sandbox.store.runs() == []


def test_run_with_blob_link_to_an_unfinished_blob_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, in_progress_blob: str
) -> None:
    body = run_create({"source_file": in_progress_blob})
    assert_rejected(api.post("/assay-runs", json={"assayRuns": [body]}), "source_file", in_progress_blob)
    assert sandbox.store.runs() == []


def test_run_with_unknown_schema_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    body = {"schemaId": "assaysch_nope", "fields": {"instrument": "LC-01"}}
    assert_rejected(api.post("/assay-runs", json={"assayRuns": [body]}), "assaysch_nope")
    assert sandbox.store.runs() == []


def test_result_schema_used_for_a_run_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    body = {"schemaId": RESULT_SCHEMA, "fields": {"instrument": "LC-01"}}
    assert_rejected(api.post("/assay-runs", json={"assayRuns": [body]}), RESULT_SCHEMA)
    assert sandbox.store.runs() == []


def test_one_bad_run_rejects_the_whole_request(api: httpx.Client, sandbox: SandboxServer) -> None:
    good, bad = run_create(), run_create({"injection_volume_ul": "x"})
    assert_rejected(api.post("/assay-runs", json={"assayRuns": [good, bad]}), "injection_volume_ul")
    assert sandbox.store.runs() == []


def test_valid_run_with_every_field_type_is_accepted(api: httpx.Client) -> None:
    blob = api.post("/blobs", json=blob_body(b"a,b\n1,2\n"))
    assert blob.status_code == 200, blob.text
    fields = {
        "instrument": "LC-01",
        "method": "caffeine.M",
        "injection_time": "2024-03-01T10:15:00Z",
        "injection_volume_ul": 5,
        "source_file": blob.json()["id"],
        "run_status": "sfso_partial",
        "notes": "line one\nline two",
    }
    response = api.post("/assay-runs", json={"assayRuns": [run_create(fields)]})
    assert response.status_code == 200, response.text
    run = api.get(f"/assay-runs/{response.json()['assayRuns'][0]}").json()
    assert run["fields"]["source_file"]["value"] == blob.json()["id"]
    assert run["fields"]["run_status"]["value"] == "sfso_partial"
    assert run["fields"]["injection_volume_ul"]["value"] == 5


# --- results ---------------------------------------------------------------------------------------------

MISSING_RUN = "0d7f4c52-1111-4222-8333-444455556666"

RESULT_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("missing-required-link", {"sample": DROP}, ("sample",)),
    ("missing-required-float", {"retention_time_min": DROP}, ("retention_time_min",)),
    ("missing-required-run-link", {"run": DROP}, ("run",)),
    ("unknown-field-key", {"retention_time": 1.0}, ("retention_time",)),
    ("float-gets-text", {"retention_time_min": "1.2 min"}, ("retention_time_min",)),
    ("float-gets-null-when-required", {"retention_time_min": None}, ("retention_time_min",)),
    ("integer-gets-fraction", {"peak_number": 1.5}, ("peak_number",)),
    ("integer-gets-text", {"peak_number": "one"}, ("peak_number",)),
    ("text-gets-number", {"peak_name": 42}, ("peak_name",)),
    ("date-gets-impossible-date", {"injection_date": "2024-13-45"}, ("injection_date",)),
    ("date-gets-datetime-text", {"injection_date": "last tuesday"}, ("injection_date",)),
    ("dropdown-unknown-option", {"review": "sfso_maybe"}, ("review", "sfso_maybe")),
    ("json-gets-invalid-json-text", {"peak_details": "{not json"}, ("peak_details",)),
    ("entity-link-to-missing-entity", {"sample": "bfi_nope999"}, ("sample", "bfi_nope999")),
    ("entity-link-gets-registry-id", {"sample": "SMP-001"}, ("sample", "SMP-001")),
    ("blob-link-to-missing-blob", {"chromatogram": MISSING_BLOB}, ("chromatogram", MISSING_BLOB)),
    ("run-link-to-missing-run", {"run": MISSING_RUN}, ("run", MISSING_RUN)),
    ("list-on-non-multi", {"sample": [SAMPLE]}, ("sample",)),
]


@pytest.mark.parametrize(
    ("overrides", "names"), [c[1:] for c in RESULT_CASES], ids=[c[0] for c in RESULT_CASES]
)
def test_result_create_rule(
    api: httpx.Client, sandbox: SandboxServer, run_id: str, overrides: dict[str, Any], names: tuple[str, ...]
) -> None:
    response = api.post(
        "/assay-results", json={"assayResults": [with_fields(result_create(run_id), overrides)]}
    )
    assert_rejected(response, *names)
    assert sandbox.store.results() == []


def plate_result(run_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "schemaId": PLATE_RESULT_SCHEMA,
        "fields": {"run": run_id, "well": "A1", "absorbance": 0.42, **fields},
    }


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"flagged": "yes"}, "flagged"),
        ({"flagged": 1}, "flagged"),
        ({"samples": SAMPLE}, "samples"),
        ({"samples": [SAMPLE, "bfi_nope999"]}, "bfi_nope999"),
        ({"wavelength_nm": 450.5}, "wavelength_nm"),
    ],
    ids=[
        "boolean-gets-text",
        "boolean-gets-number",
        "non-list-on-multi",
        "multi-with-missing-entity",
        "integer-gets-fraction",
    ],
)
def test_plate_result_rule(
    api: httpx.Client, sandbox: SandboxServer, plate_run_id: str, fields: dict[str, Any], name: str
) -> None:
    assert_rejected(
        api.post("/assay-results", json={"assayResults": [plate_result(plate_run_id, **fields)]}), name
    )
    assert sandbox.store.results() == []


def test_valid_plate_result_with_multi_link_and_boolean_is_accepted(
    api: httpx.Client, plate_run_id: str
) -> None:
    body = plate_result(plate_run_id, samples=[SAMPLE, "bfi_smp002"], flagged=False, wavelength_nm=450)
    response = api.post("/assay-results", json={"assayResults": [body]})
    assert response.status_code == 200, response.text
    stored = api.get(f"/assay-results/{response.json()['assayResults'][0]}").json()
    assert stored["fields"]["samples"]["value"] == [SAMPLE, "bfi_smp002"]
    assert stored["fields"]["samples"]["isMulti"] is True
    assert stored["fields"]["flagged"]["value"] is False


def test_result_linked_to_a_run_of_another_schema_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, plate_run_id: str
) -> None:
    body = result_create(plate_run_id)
    assert_rejected(api.post("/assay-results", json={"assayResults": [body]}), "run", plate_run_id)
    assert sandbox.store.results() == []


def test_result_with_blob_link_to_an_unfinished_blob_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, run_id: str, in_progress_blob: str
) -> None:
    body = result_create(run_id, {"chromatogram": in_progress_blob})
    assert_rejected(
        api.post("/assay-results", json={"assayResults": [body]}), "chromatogram", in_progress_blob
    )
    assert sandbox.store.results() == []


def test_result_with_unknown_schema_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, run_id: str
) -> None:
    body = {**result_create(run_id), "schemaId": "assaysch_nope"}
    assert_rejected(api.post("/assay-results", json={"assayResults": [body]}), "assaysch_nope")
    assert sandbox.store.results() == []


def test_run_schema_used_for_results_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, run_id: str
) -> None:
    body = {**result_create(run_id), "schemaId": RUN_SCHEMA}
    assert_rejected(api.post("/assay-results", json={"assayResults": [body]}), RUN_SCHEMA)
    assert sandbox.store.results() == []


def test_result_rule_applies_to_bulk_create_and_transactions(
    api: httpx.Client, sandbox: SandboxServer, run_id: str
) -> None:
    bad = result_create(run_id, {"peak_number": "one"})
    bulk = api.post("/assay-results:bulk-create", json={"assayResults": [result_create(run_id), bad]})
    if bulk.status_code == 202:
        # Benchling may validate bulk-create asynchronously: the task then ends FAILED with per-item errors.
        task = api.get(f"/tasks/{bulk.json()['taskId']}").json()
        for _ in range(50):
            if task["status"] != "RUNNING":
                break
            task = api.get(f"/tasks/{bulk.json()['taskId']}").json()
        assert task["status"] == "FAILED", task
        assert "peak_number" in error_text(task), task
    else:
        assert_rejected(bulk, "peak_number")
    transaction = api.post("/result-transactions")
    assert transaction.status_code == 200, transaction.text
    tx_id = transaction.json()["id"]
    assert_rejected(
        api.post(f"/result-transactions/{tx_id}/results", json={"assayResults": [bad]}), "peak_number"
    )
    assert sandbox.store.results() == []


def test_valid_result_with_every_field_type_is_accepted(api: httpx.Client, run_id: str) -> None:
    blob = api.post("/blobs", json=blob_body(b"t,s\n0,1\n", "chrom.csv"))
    assert blob.status_code == 200, blob.text
    fields = {
        "signal": "DAD1A",
        "peak_number": 3,
        "peak_name": "Caffeine",
        "area": 1234.5,
        "area_unit": "mAU*s",
        "height": 88,
        "area_percent": 99.1,
        "injection_date": "2024-03-01",
        "chromatogram": blob.json()["id"],
        "peak_details": '{"tailing": 1.1, "plates": 5400}',
        "review": "sfso_pending",
    }
    response = api.post("/assay-results", json={"assayResults": [result_create(run_id, fields)]})
    assert response.status_code == 200, response.text
    result = api.get(f"/assay-results/{response.json()['assayResults'][0]}").json()
    assert result["fields"]["peak_number"]["value"] == 3
    assert result["fields"]["chromatogram"]["value"] == blob.json()["id"]
    assert result["schema"]["id"] == RESULT_SCHEMA


# --- client-supplied ids ----------------------------------------------------------------------------------


def test_duplicate_result_id_within_a_request_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, run_id: str
) -> None:
    result_id = new_uuid()
    bodies = [
        result_create(run_id, id=result_id),
        result_create(run_id, {"retention_time_min": 2.0}, id=result_id),
    ]
    assert_rejected(api.post("/assay-results", json={"assayResults": bodies}), result_id)
    assert sandbox.store.results() == []


def test_duplicate_result_id_across_requests_is_rejected(
    api: httpx.Client, sandbox: SandboxServer, run_id: str
) -> None:
    result_id = new_uuid()
    first = api.post("/assay-results", json={"assayResults": [result_create(run_id, id=result_id)]})
    assert first.status_code == 200, first.text
    assert first.json()["assayResults"] == [result_id]
    other = result_create(run_id, id=new_uuid())
    again = api.post(
        "/assay-results",
        json={"assayResults": [other, result_create(run_id, {"retention_time_min": 9.9}, id=result_id)]},
    )
    assert_rejected(again, result_id)
    stored = sandbox.store.results()
    assert [r["id"] for r in stored] == [result_id]
    assert api.get(f"/assay-results/{result_id}").json()["fields"]["retention_time_min"]["value"] == 1.25


def test_duplicate_run_id_within_a_request_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    run_id = new_uuid()
    response = api.post("/assay-runs", json={"assayRuns": [run_create(id=run_id), run_create(id=run_id)]})
    assert_rejected(response, run_id)
    assert sandbox.store.runs() == []


def test_duplicate_run_id_across_requests_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    run_id = new_uuid()
    first = api.post("/assay-runs", json={"assayRuns": [run_create(id=run_id)]})
    assert first.status_code == 200, first.text
    assert first.json()["assayRuns"] == [run_id]
    again = api.post("/assay-runs", json={"assayRuns": [run_create({"operator": "someone else"}, id=run_id)]})
    assert_rejected(again, run_id)
    assert [r["id"] for r in sandbox.store.runs()] == [run_id]
    fields = api.get(f"/assay-runs/{run_id}").json()["fields"]
    assert fields.get("operator", {}).get("value") != "someone else"
