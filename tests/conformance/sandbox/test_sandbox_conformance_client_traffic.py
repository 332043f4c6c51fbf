"""Our own client's traffic, request and response, checked against the official spec.

An ingestion-like scenario runs through ``BenchlingClient`` with a transport that validates every request
(query parameters, JSON and form bodies as writes) and every response; then the request checker itself
is shown to refuse what the spec forbids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conformance.openapi_spec import OpenApiSpec, SpecMismatch
from conformance.sandbox.harness import StartSandbox
from conformance.sandbox.request_rules import RequestSpec, SpecValidatingTransport
from conformance.sandbox.wire import PROJECT, REGISTRY, RESULT_SCHEMA, RUN_SCHEMA, new_uuid

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials, RateLimit, RetryPolicy
from ingest.sandbox import SandboxServer

pytestmark = pytest.mark.timeout(180)

FAST = RetryPolicy(initial_backoff=0.01, max_backoff=0.05, jitter=0.01, max_attempts=4)
BASE = "http://127.0.0.1:9/api/v2"


@pytest.fixture(scope="session")
def request_spec(spec: OpenApiSpec) -> RequestSpec:
    return RequestSpec(spec)


@pytest.fixture
def validating(request_spec: RequestSpec) -> Iterator[SpecValidatingTransport]:
    transport = SpecValidatingTransport(request_spec)
    yield transport
    assert not transport.mismatches, "\n".join(transport.mismatches)


def _client(server: SandboxServer, transport: httpx.BaseTransport, *, oauth: bool = False) -> BenchlingClient:
    credentials = ClientCredentials("sandbox-client", "sandbox-secret") if oauth else ApiKey(server.api_key)
    return BenchlingClient(
        server.base_url,
        credentials,
        transport=transport,
        retry_policy=FAST,
        rate_limit=RateLimit(10_000, 1.0),
    )


def _run(sample_file: str, blob_id: str) -> dict[str, object]:
    return {
        "id": new_uuid(),
        "schemaId": RUN_SCHEMA,
        "projectId": PROJECT,
        "fields": {
            "instrument": "LC-01",
            "injection_time": "2024-05-01T13:45:00+02:00",
            "run_status": "sfso_complete",
            "source_file": blob_id,
            "file_sha256": sample_file,
        },
    }


def _result(run_id: str, index: int, sample: str) -> dict[str, object]:
    return {
        "id": new_uuid(),
        "schemaId": RESULT_SCHEMA,
        "projectId": PROJECT,
        "fields": {
            "run": {"value": run_id},
            "sample": sample,
            "retention_time_min": 1.0 + index / 10,
            "peak_number": index + 1,
            "peak_details": {"width": 0.1},
        },
    }


def test_an_ingestion_through_the_client_sends_only_what_the_spec_allows(
    sandbox: SandboxServer, validating: SpecValidatingTransport, tmp_path: Path
) -> None:
    with _client(sandbox, validating) as client:
        # What a resolver reads.
        assert {s.id for s in client.list_run_schemas()} >= {RUN_SCHEMA}
        assert client.get_result_schema(RESULT_SCHEMA).id == RESULT_SCHEMA
        assert client.get_dropdown("sfs_runstatus").options
        assert client.list_projects()[0].id == PROJECT
        assert client.list_registries("Samples")[0].id == REGISTRY
        entities = client.lookup_registered_entities(REGISTRY, ["SMP-001", "SMP-002", "SMP-404"])
        assert entities.missing == ("SMP-404",)
        assert client.storage_by_barcodes(["VIAL-0001", "PLT-0002", "NOPE"]).missing == ("NOPE",)
        assert list(client.storage_by_names(["Vial 2"])) == ["Vial 2"]
        assert list(client.storage_by_ids(["box_vials01", "loc_nope"]).found) == ["box_vials01"]
        assert client.entries_by_display_ids(["EXP23-001", "EXP00-000"]).missing == ("EXP00-000",)
        assert list(client.entries_by_ids(["etr_exp23002"]).found) == ["etr_exp23002"]
        # What a load writes: blobs (single and multipart), a run, results in every way.
        small = tmp_path / "run42.csv"
        small.write_bytes(b"time,signal\n0.0,1.5\n")
        blob = client.upload_blob(small, mime_type="text/csv")
        large = tmp_path / "run42.raw"
        large.write_bytes(bytes(range(256)) * (11 * 4096))  # 11.5 MB: two parts
        big = client.upload_blob(large, blob_type="RAW_FILE")
        assert big.upload_status == "COMPLETE"
        assert set(client.lookup_blobs([blob.id, big.id, new_uuid()]).found) == {blob.id, big.id}
        run_id = client.create_run(_run("a" * 64, blob.id))
        samples = [entities.found["SMP-001"].id, entities.found["SMP-002"].id]
        posted = client.create_results([_result(run_id, i, samples[i % 2]) for i in range(3)])
        transacted = client.create_results([_result(run_id, i, samples[0]) for i in range(5)], chunk_size=2)
        bulk = client.bulk_create_results([_result(run_id, i, samples[1]) for i in range(2)])
        # What a re-run checks before creating again.
        assert client.existing_runs([run_id, new_uuid()]) == {run_id}
        every = [*posted, *transacted, *bulk]
        assert client.existing_results([*every, new_uuid()]) == set(every)
        assert len(list(client.list_results(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id]))) == 10
        assert client.create_results([_result(run_id, 0, samples[0])]) and client.archive_results(posted[:1])
        assert client.archive_runs([client.create_run(_run("b" * 64, blob.id))])
    expected = {
        "GET /assay-run-schemas",
        "GET /assay-result-schemas/{schema_id}",
        "GET /dropdowns/{dropdown_id}",
        "GET /projects",
        "GET /registries",
        "GET /registries/{registry_id}/registered-entities:bulk-get",
        "GET /containers:bulk-get",
        "GET /plates:bulk-get",
        "GET /containers",
        "GET /boxes:bulk-get",
        "GET /locations:bulk-get",
        "GET /entries:bulk-get",
        "POST /blobs",
        "POST /blobs:start-multipart-upload",
        "POST /blobs/{blob_id}/parts",
        "POST /blobs/{blob_id}:complete-upload",
        "GET /blobs:bulk-get",
        "POST /assay-runs",
        "POST /assay-results",
        "POST /result-transactions",
        "POST /result-transactions/{transaction_id}/results",
        "POST /result-transactions/{transaction_id}:commit",
        "POST /assay-results:bulk-create",
        "GET /tasks/{task_id}",
        "GET /assay-runs:bulk-get",
        "GET /assay-results:bulk-get",
        "GET /assay-results",
        "POST /assay-results:archive",
        "POST /assay-runs:archive",
    }
    assert expected <= validating.checked_operations, sorted(expected - validating.checked_operations)


def test_the_oauth_token_request_is_checked_too(
    start_sandbox: StartSandbox, validating: SpecValidatingTransport
) -> None:
    server = start_sandbox()
    with _client(server, validating, oauth=True) as client:
        assert client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA
    assert {"POST /token", "GET /assay-run-schemas/{schema_id}"} <= validating.checked_operations


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("GET", "/assay-runs:bulk-get", None, "required query parameter 'assayRunIds' is missing"),
        ("GET", "/assay-runs?schemaId=x&colour=red", None, "query parameter 'colour' is not declared"),
        ("GET", "/assay-runs?schemaId=x&pageSize=500", None, "500 is greater than the maximum of 100"),
        ("GET", "/assay-results?schemaId=x&sort=size", None, "'size' is not one of"),
        ("POST", "/assay-runs", {"assayRuns": [{"fields": {}}]}, "'schemaId' is a required property"),
        ("POST", "/blobs/abc/parts", {"partNumber": 10001, "data64": "", "md5": ""}, "maximum of 10000"),
        ("POST", "/assay-runs:archive", {"assayRunIds": ["a"], "reason": "Bored"}, "'Bored' is not one of"),
        ("POST", "/blobs", {"name": "x", "type": "RAW_FILE", "data64": "", "md5": "", "extra": 1}, "extra"),
        ("GET", "/nothing-here", None, "is not an operation"),
    ],
)
def test_the_request_checker_refuses_what_the_spec_forbids(
    request_spec: RequestSpec, method: str, path: str, body: object, expected: str
) -> None:
    request = (
        httpx.Request(method, BASE + path, json=body)
        if body is not None
        else httpx.Request(method, BASE + path)
    )
    problems = request_spec.request_problems(request)
    assert any(expected in p for p in problems), problems


def test_the_request_checker_accepts_both_fields_forms_and_comma_lists(request_spec: RequestSpec) -> None:
    ids = f"{new_uuid()},{new_uuid()}"
    good = [
        httpx.Request("GET", f"{BASE}/assay-runs?schemaId=x&ids={ids}&pageSize=100"),
        httpx.Request(
            "POST",
            f"{BASE}/assay-results",
            json={
                "assayResults": [{"schemaId": "s", "fields": {"a": {"value": 1}, "b": 2}, "id": new_uuid()}]
            },
        ),
        httpx.Request("GET", f"{BASE}/containers:bulk-get?barcodes=A,B"),
    ]
    for request in good:
        assert request_spec.request_problems(request) == []


def test_a_mismatch_fails_through_the_transport(request_spec: RequestSpec) -> None:
    def never_called(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a refused request must not be sent")

    transport = SpecValidatingTransport(request_spec, httpx.MockTransport(never_called))
    with httpx.Client(transport=transport, base_url=BASE) as http, pytest.raises(SpecMismatch):
        http.get("/assay-runs:bulk-get")
    assert len(transport.mismatches) == 1
