"""What becomes of client-supplied ids (``client_ids``) and of ids that already exist (``duplicate_id``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from ingest.sandbox import Variants
from tests.support.inprocess_sandbox import Sandbox, result_item

RUN_SCHEMA = "assaysch_chromrun01"


def _run_item(run_id: str, instrument: str = "LC-1") -> dict[str, Any]:
    return {"id": run_id, "schemaId": RUN_SCHEMA, "fields": {"instrument": instrument}}


def _post_runs(sandbox: Sandbox, *items: dict[str, Any]) -> Any:
    return sandbox.client.post("/assay-runs", json={"assayRuns": list(items)})


def test_kept_ids_are_the_objects_ids(sandbox: Sandbox) -> None:
    run_id, result_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert _post_runs(sandbox, _run_item(run_id)).json()["assayRuns"] == [run_id]
    answer = sandbox.client.post(
        "/assay-results", json={"assayResults": [{**result_item(run_id), "id": result_id}]}
    )
    assert answer.json()["assayResults"] == [result_id]
    assert [r["id"] for r in sandbox.state.store.runs()] == [run_id]


def test_server_assigned_ids_ignore_the_client_ids_everywhere(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(variants=Variants(client_ids="server_assigned"))
    sent_run = str(uuid.uuid4())
    answered = _post_runs(sandbox, _run_item(sent_run)).json()["assayRuns"]
    assert answered != [sent_run] and len(answered) == 1
    assert [r["id"] for r in sandbox.state.store.runs()] == answered
    assert sandbox.client.get(f"/assay-runs/{sent_run}").status_code == 400
    run_id = answered[0]

    sent = [str(uuid.uuid4()) for _ in range(3)]
    posted = sandbox.client.post(
        "/assay-results", json={"assayResults": [{**result_item(run_id), "id": sent[0]}]}
    ).json()["assayResults"]
    transaction = sandbox.client.post("/result-transactions").json()["id"]
    appended = sandbox.client.post(
        f"/result-transactions/{transaction}/results",
        json={"assayResults": [{**result_item(run_id), "id": sent[1]}]},
    ).json()["assayResults"]
    task_id = sandbox.client.post(
        "/assay-results:bulk-create", json={"assayResults": [{**result_item(run_id), "id": sent[2]}]}
    ).json()["taskId"]
    tasked = sandbox.client.get(f"/tasks/{task_id}").json()["response"]["assayResults"]
    for sent_id, answer in zip(sent, (posted, appended, tasked), strict=True):
        assert len(answer) == 1 and answer[0] != sent_id
    # Two runs with the same client id are two runs: the id is not looked at.
    again = _post_runs(sandbox, _run_item(sent_run)).json()["assayRuns"]
    assert again != answered and len(sandbox.state.store.runs()) == 2


def test_server_assigned_still_checks_that_result_ids_are_uuids(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(variants=Variants(client_ids="server_assigned"))
    run_id = sandbox.create_run()
    bad = sandbox.client.post("/assay-results", json={"assayResults": [{**result_item(run_id), "id": "r-1"}]})
    assert bad.status_code == 400 and "not a UUID" in bad.text


def test_duplicate_run_id_is_a_400_item_error_by_default(sandbox: Sandbox) -> None:
    run_id = str(uuid.uuid4())
    _post_runs(sandbox, _run_item(run_id))
    again = _post_runs(sandbox, _run_item(str(uuid.uuid4())), _run_item(run_id))
    assert again.status_code == 400
    body = again.json()
    assert body["assayRuns"] is None and body["errors"][0] == {"fields": {}, "global": []}
    assert f"'{run_id}' already exists" in body["errors"][1]["global"][0]
    assert len(sandbox.state.store.runs()) == 1


def test_duplicate_ids_are_a_409_conflict_listing_them(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(variants=Variants(duplicate_id="conflict_409"))
    run_id = str(uuid.uuid4())
    _post_runs(sandbox, _run_item(run_id))
    again = _post_runs(sandbox, _run_item(str(uuid.uuid4())), _run_item(run_id))
    assert again.status_code == 409
    assert again.json()["error"]["conflicts"] == [{"id": run_id}]
    assert len(sandbox.state.store.runs()) == 1
    result_id = str(uuid.uuid4())
    item = {**result_item(run_id), "id": result_id}
    sandbox.client.post("/assay-results", json={"assayResults": [item]})
    result_again = sandbox.client.post("/assay-results", json={"assayResults": [item]})
    assert result_again.status_code == 409 and result_again.json()["error"]["conflicts"] == [
        {"id": result_id}
    ]
    # An invalid item still makes it a 400: validation comes first.
    invalid = _post_runs(sandbox, _run_item(run_id), {"schemaId": RUN_SCHEMA, "fields": {}})
    assert invalid.status_code == 400


def test_duplicate_ids_answer_the_existing_objects_without_storing(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox(variants=Variants(duplicate_id="existing_200"))
    run_id, new_id = str(uuid.uuid4()), str(uuid.uuid4())
    _post_runs(sandbox, _run_item(run_id, "first"))
    again = _post_runs(sandbox, _run_item(run_id, "second"), _run_item(new_id))
    assert again.status_code == 200 and again.json()["assayRuns"] == [run_id, new_id]
    runs = {r["id"]: r for r in sandbox.state.store.runs()}
    assert set(runs) == {run_id, new_id}
    assert runs[run_id]["fields"]["instrument"]["value"] == "first"


@pytest.mark.parametrize("duplicate", ["bad_request_400", "conflict_409", "existing_200"])
def test_an_id_twice_in_one_request_is_always_a_400(
    make_sandbox: Callable[..., Sandbox], duplicate: str
) -> None:
    sandbox = make_sandbox(variants=Variants.model_validate({"duplicate_id": duplicate}))
    run_id = str(uuid.uuid4())
    twice = _post_runs(sandbox, _run_item(run_id), _run_item(run_id))
    assert twice.status_code == 400 and "more than once" in twice.text
    assert sandbox.state.store.runs() == []
