from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.support.inprocess_sandbox import Sandbox, result_item


def _create(sandbox: Sandbox, *items: dict[str, Any]) -> Any:
    return sandbox.client.post("/assay-results", json={"assayResults": list(items)})


def test_create_and_read_back_with_typed_values(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    result_id = str(uuid.uuid4())
    item = {
        **result_item(run_id, peak_number=3.0, injection_date="2024-05-01", peak_details={"w": 0.1}),
        "id": result_id,
    }
    response = _create(sandbox, item)
    assert response.status_code == 200
    assert response.json() == {"assayResults": [result_id], "errors": None}
    result = sandbox.client.get(f"/assay-results/{result_id}").json()
    assert result["fields"]["peak_number"]["value"] == 3
    assert result["fields"]["sample"]["displayValue"] == "Caffeine standard 1"
    assert result["fields"]["run"]["value"] == run_id


def test_invalid_items_reject_the_whole_request_naming_index(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    response = _create(
        sandbox,
        result_item(run_id),
        result_item(run_id, peak_number=2.5),
        result_item(run_id, sample="bfi_nope"),
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert [e["index"] for e in error["errors"]] == [1, 2]
    assert "fractional part" in error["errors"][0]["message"]
    assert "entity 'bfi_nope' does not exist" in error["errors"][1]["message"]
    assert sandbox.state.store.results() == []


def test_run_link_must_name_a_run_of_the_linked_schema(sandbox: Sandbox) -> None:
    plate_run = sandbox.client.post(
        "/assay-runs",
        json={"assayRuns": [{"schemaId": "assaysch_platerun01", "fields": {"instrument": "P"}}]},
    ).json()["assayRuns"][0]
    response = _create(sandbox, result_item(plate_run))
    assert "expected assaysch_chromrun01" in response.json()["error"]["errors"][0]["message"]


def test_multi_link_field_takes_a_list_only(sandbox: Sandbox) -> None:
    run_id = sandbox.client.post(
        "/assay-runs",
        json={"assayRuns": [{"schemaId": "assaysch_platerun01", "fields": {"instrument": "P"}}]},
    ).json()["assayRuns"][0]
    base = {"run": run_id, "well": "A1", "absorbance": 0.5}
    ok = _create(sandbox, {"schemaId": "assaysch_plateres01", "fields": {**base, "samples": ["bfi_smp001"]}})
    assert ok.status_code == 200
    result = sandbox.client.get(f"/assay-results/{ok.json()['assayResults'][0]}").json()
    assert result["fields"]["samples"]["isMulti"] is True and result["fields"]["samples"]["value"] == [
        "bfi_smp001"
    ]
    single = _create(
        sandbox, {"schemaId": "assaysch_plateres01", "fields": {**base, "samples": "bfi_smp001"}}
    )
    assert "isMulti fields take a non-empty list" in single.json()["error"]["errors"][0]["message"]


def test_result_ids_must_be_uuids_and_unique(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    assert (
        "is not a UUID"
        in _create(sandbox, {**result_item(run_id), "id": "r1"}).json()["error"]["errors"][0]["message"]
    )
    result_id = str(uuid.uuid4())
    assert _create(sandbox, {**result_item(run_id), "id": result_id}).status_code == 200
    duplicate = _create(sandbox, {**result_item(run_id), "id": result_id})
    assert (
        duplicate.status_code == 400 and "already exists" in duplicate.json()["error"]["errors"][0]["message"]
    )


def test_more_than_100_results_per_create_is_400(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    response = _create(sandbox, *[result_item(run_id) for _ in range(101)])
    assert response.status_code == 400
    assert "at most 100" in response.json()["error"]["message"]


def test_bulk_create_answers_202_and_the_task_succeeds_or_fails_with_index(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox(task_running_polls=1)
    run_id = sandbox.create_run()
    accepted = sandbox.client.post(
        "/assay-results:bulk-create", json={"assayResults": [result_item(run_id)] * 3}
    )
    assert accepted.status_code == 202
    task_url = f"/tasks/{accepted.json()['taskId']}"
    assert sandbox.client.get(task_url).json() == {"status": "RUNNING"}
    assert sandbox.state.store.results() == []
    done = sandbox.client.get(task_url).json()
    assert done["status"] == "SUCCEEDED" and len(done["response"]["assayResults"]) == 3
    failing = sandbox.client.post(
        "/assay-results:bulk-create",
        json={"assayResults": [result_item(run_id), result_item(run_id, area="x")]},
    ).json()
    sandbox.client.get(f"/tasks/{failing['taskId']}")
    failed = sandbox.client.get(f"/tasks/{failing['taskId']}").json()
    assert failed["status"] == "FAILED" and failed["errors"][0]["index"] == 1
    assert len(sandbox.state.store.results()) == 3
    assert sandbox.client.get("/tasks/nope").status_code == 404


def test_list_filters_sort_archive_and_schema_requirement(sandbox: Sandbox) -> None:
    run_a, run_b = sandbox.create_run(), sandbox.create_run()
    ids_a = _create(sandbox, result_item(run_a), result_item(run_a)).json()["assayResults"]
    ids_b = _create(sandbox, result_item(run_b)).json()["assayResults"]
    assert sandbox.client.get("/assay-results").status_code == 400
    params = {"schemaId": "assaysch_chromres01"}
    by_run = sandbox.client.get("/assay-results", params={**params, "assayRunIds": run_a}).json()
    assert [r["id"] for r in by_run["assayResults"]] == ids_a
    desc = sandbox.client.get("/assay-results", params={**params, "sort": "createdAt:desc"}).json()
    assert [r["id"] for r in desc["assayResults"]] == list(reversed(ids_a + ids_b))
    sandbox.client.post("/assay-results:archive", json={"assayResultIds": ids_b, "reason": "Made in error"})
    visible = sandbox.client.get("/assay-results", params=params).json()["assayResults"]
    assert [r["id"] for r in visible] == ids_a
    archived = sandbox.client.get("/assay-results", params={**params, "archiveReason": "ANY_ARCHIVED"}).json()
    assert [r["id"] for r in archived["assayResults"]] == ids_b
    bulk = sandbox.client.get("/assay-results:bulk-get", params={"assayResultIds": ",".join(ids_b)}).json()
    assert bulk["assayResults"][0]["archiveRecord"] == {"reason": "Made in error"}


def test_bulk_get_caps_at_200_ids(sandbox: Sandbox) -> None:
    ids = ",".join(str(uuid.uuid4()) for _ in range(201))
    response = sandbox.client.get("/assay-results:bulk-get", params={"assayResultIds": ids})
    assert response.status_code == 400 and "at most 200" in response.json()["error"]["message"]


def test_transaction_results_are_invisible_until_commit(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    transaction = sandbox.client.post("/result-transactions").json()["id"]
    added = sandbox.client.post(
        f"/result-transactions/{transaction}/results", json={"assayResults": [result_item(run_id)]}
    )
    assert added.status_code == 200
    result_id = added.json()["assayResults"][0]
    params = {"schemaId": "assaysch_chromres01"}
    assert sandbox.client.get("/assay-results", params=params).json()["assayResults"] == []
    assert sandbox.client.get(f"/assay-results/{result_id}").status_code == 400
    assert (
        sandbox.client.get("/assay-results:bulk-get", params={"assayResultIds": result_id}).status_code == 400
    )
    assert sandbox.state.store.results(include_uncommitted=True)[0]["id"] == result_id
    assert sandbox.client.post(f"/result-transactions/{transaction}:commit").json() == {"id": transaction}
    assert sandbox.client.get(f"/assay-results/{result_id}").status_code == 200
    assert sandbox.client.post(f"/result-transactions/{transaction}:commit").status_code == 400


def test_transaction_abort_discards_and_bad_items_use_fields_global_form(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    transaction = sandbox.client.post("/result-transactions").json()["id"]
    bad = sandbox.client.post(
        f"/result-transactions/{transaction}/results",
        json={"assayResults": [result_item(run_id, height="x")]},
    )
    assert bad.status_code == 400
    assert bad.json()["assayResults"] is None and "height" in bad.json()["errors"][0]["fields"]
    sandbox.client.post(
        f"/result-transactions/{transaction}/results", json={"assayResults": [result_item(run_id)]}
    )
    assert sandbox.client.post(f"/result-transactions/{transaction}:abort").status_code == 200
    assert sandbox.state.store.results(include_uncommitted=True) == []
