"""Read endpoints and unknown ids: the documented status and body shape for each operation the client uses.

The spec hook checks the shapes; these tests pin the statuses and that errors name the unknown id.
"""

from __future__ import annotations

import httpx
import pytest
from conformance.sandbox.wire import (
    REGISTRY,
    RESULT_SCHEMA,
    RUN_SCHEMA,
    blob_body,
    error_text,
    new_uuid,
    result_create,
    run_create,
)

UNKNOWN = "3c9a2f0e-7777-4888-9999-aaaabbbbcccc"


@pytest.fixture
def created(api: httpx.Client) -> dict[str, str]:
    blob = api.post("/blobs", json=blob_body(b"x,y\n1,2\n"))
    assert blob.status_code == 200, blob.text
    run = api.post("/assay-runs", json={"assayRuns": [run_create({"source_file": blob.json()["id"]})]})
    assert run.status_code == 200, run.text
    run_id = run.json()["assayRuns"][0]
    result = api.post("/assay-results", json={"assayResults": [result_create(run_id, id=new_uuid())]})
    assert result.status_code == 200, result.text
    return {"blob": blob.json()["id"], "run": run_id, "result": result.json()["assayResults"][0]}


def test_get_and_bulk_get_of_created_objects(api: httpx.Client, created: dict[str, str]) -> None:
    run = api.get(f"/assay-runs/{created['run']}").json()
    assert run["id"] == created["run"] and run["schema"]["id"] == RUN_SCHEMA
    assert run["fields"]["instrument"] == {**run["fields"]["instrument"], "value": "LC-01", "type": "text"}
    runs = api.get("/assay-runs:bulk-get", params={"assayRunIds": created["run"]})
    assert [r["id"] for r in runs.json()["assayRuns"]] == [created["run"]]
    results = api.get("/assay-results:bulk-get", params={"assayResultIds": created["result"]})
    assert [r["id"] for r in results.json()["assayResults"]] == [created["result"]]
    blobs = api.get("/blobs:bulk-get", params={"blobIds": created["blob"]})
    assert [b["id"] for b in blobs.json()["blobs"]] == [created["blob"]]
    listed = api.get("/assay-results", params={"schemaId": RESULT_SCHEMA, "assayRunIds": created["run"]})
    assert [r["id"] for r in listed.json()["assayResults"]] == [created["result"]]


def test_schema_by_id_and_unknown_schema(api: httpx.Client) -> None:
    assert api.get(f"/assay-run-schemas/{RUN_SCHEMA}").json()["type"] == "assay_run"
    assert api.get(f"/assay-result-schemas/{RESULT_SCHEMA}").json()["type"] == "assay_result"
    missing = api.get("/assay-run-schemas/assaysch_nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["invalidId"] == "assaysch_nope"


@pytest.mark.parametrize("path", ["/assay-runs/{id}", "/assay-results/{id}"])
def test_unknown_run_or_result_gets_the_documented_400(api: httpx.Client, path: str) -> None:
    # The spec documents only 200 and 400 (BadRequestError) for these two operations, not 404.
    response = api.get(path.format(id=UNKNOWN))
    assert response.status_code == 400, response.text
    assert UNKNOWN in error_text(response.json())


def test_unknown_task_and_blob_are_404(api: httpx.Client) -> None:
    for path in (f"/tasks/{UNKNOWN}", f"/blobs/{UNKNOWN}", f"/blobs/{UNKNOWN}/download-url"):
        response = api.get(path)
        assert response.status_code == 404, f"{path}: {response.text}"
        assert UNKNOWN in error_text(response.json())


def test_registered_entities_of_an_unknown_registry_is_404(api: httpx.Client) -> None:
    response = api.get(
        "/registries/src_nope/registered-entities:bulk-get", params={"entityRegistryIds": "SMP-001"}
    )
    assert response.status_code == 404, response.text
    assert "src_nope" in error_text(response.json())


def test_registered_entities_carry_entity_type(api: httpx.Client) -> None:
    response = api.get(
        f"/registries/{REGISTRY}/registered-entities:bulk-get",
        params={"entityRegistryIds": "SMP-001,SMP-002"},
    )
    assert response.status_code == 200, response.text
    entities = response.json()["entities"]
    assert [(e["entityRegistryId"], e["entityType"], e["id"]) for e in entities] == [
        ("SMP-001", "custom_entity", "bfi_smp001"),
        ("SMP-002", "custom_entity", "bfi_smp002"),
    ]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/containers?barcodes=VIAL-0001&pageSize=1", 200),
        ("/containers?barcodes=VIAL-0001,NOPE", 400),
        ("/containers/con_vial0001", 200),
        ("/containers/con_nope", 404),
        ("/boxes?names.anyOf=vial box 1", 200),
        ("/boxes/box_vials01", 200),
        ("/boxes/box_nope", 400),
        ("/plates?schemaId=pltsch_96well", 200),
        ("/plates:bulk-get?barcodes=PLT-0001,PLT-0002", 200),
        ("/plates/plt_nope", 404),
        ("/locations?ancestorStorageId=loc_freezer01", 200),
        ("/locations:bulk-get?locationIds=loc_shelf01", 200),
        ("/locations/loc_freezer01", 200),
        ("/entries?displayIds=EXP23-001", 200),
        ("/entries:bulk-get?entryIds=etr_exp23001,etr_exp23002", 200),
        ("/entries:bulk-get?displayIds=EXP23-001,EXP00-000", 400),
        ("/entries/etr_exp23001", 200),
        ("/entries/etr_nope", 404),
    ],
)
def test_inventory_and_entry_reads_answer_in_the_documented_shapes(
    api: httpx.Client, path: str, status: int
) -> None:
    response = api.get(path)
    assert response.status_code == status, response.text
