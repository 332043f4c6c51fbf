from __future__ import annotations

from typing import Any

import pytest

from tests.support.inprocess_sandbox import Sandbox


def _create(sandbox: Sandbox, *items: dict[str, Any]) -> Any:
    return sandbox.client.post("/assay-runs", json={"assayRuns": list(items)})


def _run(**fields: Any) -> dict[str, Any]:
    return {"schemaId": "assaysch_chromrun01", "fields": {"instrument": "LC-1", **fields}}


def test_create_accepts_both_field_forms_and_answers_in_field_response_form(sandbox: Sandbox) -> None:
    blob_id = sandbox.upload_blob()
    response = _create(
        sandbox,
        _run(injection_volume_ul=5, run_status="sfso_complete", source_file=blob_id),
        {
            "schemaId": "assaysch_chromrun01",
            "fields": {"instrument": {"value": "LC-2"}},
            "projectId": "src_lcproj01",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] is None and len(body["assayRuns"]) == 2
    run = sandbox.client.get(f"/assay-runs/{body['assayRuns'][0]}").json()
    assert run["fields"]["run_status"] == {
        "value": "sfso_complete",
        "displayValue": "Complete",
        "isMulti": False,
        "textValue": "Complete",
        "type": "dropdown",
    }
    assert run["fields"]["method"]["value"] is None
    assert run["schema"] == {"id": "assaysch_chromrun01", "name": "Chromatography Run"}
    assert run["validationStatus"] == "VALID"
    second = sandbox.client.get(f"/assay-runs/{body['assayRuns'][1]}").json()
    assert second["fields"]["instrument"]["value"] == "LC-2" and second["projectId"] == "src_lcproj01"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"bogus": 1}, "bogus", "not a field of schema"),
        ({"injection_volume_ul": "5"}, "injection_volume_ul", "expected a finite number"),
        ({"injection_volume_ul": True}, "injection_volume_ul", "expected a finite number"),
        ({"injection_time": "2024-05-01T10:00:00"}, "injection_time", "with offset"),
        ({"run_status": "Complete"}, "run_status", "sfso_complete (Complete), sfso_partial (Partial)"),
        ({"source_file": "00000000-0000-0000-0000-000000000000"}, "source_file", "does not exist"),
        ({"operator": ["a", "b"]}, "operator", "not isMulti"),
        ({"notes": 3}, "notes", "expected a string"),
    ],
)
def test_invalid_field_values_are_400_naming_index_field_and_reason(
    sandbox: Sandbox, fields: dict[str, Any], field: str, reason: str
) -> None:
    response = _create(sandbox, _run(), _run(**fields))
    assert response.status_code == 400
    body = response.json()
    assert body["assayRuns"] is None
    assert body["errors"][0] == {"fields": {}, "global": []}
    message = body["errors"][1]["fields"][field]
    assert message.startswith("assayRuns[1]") and reason in message
    assert sandbox.state.store.runs() == []


def test_required_field_missing_and_wrong_schema_kind(sandbox: Sandbox) -> None:
    missing = _create(sandbox, {"schemaId": "assaysch_chromrun01", "fields": {}})
    assert "required" in missing.json()["errors"][0]["fields"]["instrument"]
    wrong_kind = _create(sandbox, {"schemaId": "assaysch_chromres01", "fields": {}})
    assert wrong_kind.status_code == 400
    assert "is an assay result schema, not an assay run schema" in wrong_kind.json()["errors"][0]["global"][0]


def test_unknown_project_is_rejected(sandbox: Sandbox) -> None:
    response = _create(sandbox, {**_run(), "projectId": "src_nope"})
    assert response.status_code == 400
    assert "projectId 'src_nope' does not exist" in response.json()["errors"][0]["global"][0]


def test_blob_link_needs_a_complete_blob(sandbox: Sandbox) -> None:
    started = sandbox.client.post(
        "/blobs:start-multipart-upload", json={"name": "x", "type": "RAW_FILE"}
    ).json()
    response = _create(sandbox, _run(chromatogram=started["id"]))
    assert "is IN_PROGRESS, expected COMPLETE" in response.json()["errors"][0]["fields"]["chromatogram"]


def test_client_ids_are_honoured_and_duplicates_rejected_with_nothing_stored(sandbox: Sandbox) -> None:
    assert _create(sandbox, {**_run(), "id": "run-a"}).json()["assayRuns"] == ["run-a"]
    again = _create(sandbox, {**_run(), "id": "run-b"}, {**_run(), "id": "run-a"})
    assert again.status_code == 400
    assert "'run-a' already exists" in again.json()["errors"][1]["global"][0]
    twice = _create(sandbox, {**_run(), "id": "run-c"}, {**_run(), "id": "run-c"})
    assert "appears more than once" in twice.json()["errors"][1]["global"][0]
    assert [r["id"] for r in sandbox.state.store.runs()] == ["run-a"]


def test_list_requires_schema_id_and_filters(sandbox: Sandbox) -> None:
    first, second = sandbox.create_run(), sandbox.create_run()
    assert sandbox.client.get("/assay-runs").status_code == 400
    listed = sandbox.client.get(
        "/assay-runs", params={"schemaId": "assaysch_chromrun01", "ids": second}
    ).json()
    assert [r["id"] for r in listed["assayRuns"]] == [second] and listed["nextToken"] == ""
    other = sandbox.client.get("/assay-runs", params={"schemaId": "assaysch_platerun01"}).json()
    assert other["assayRuns"] == []
    bulk = sandbox.client.get("/assay-runs:bulk-get", params={"assayRunIds": f"{second},{first}"}).json()
    assert [r["id"] for r in bulk["assayRuns"]] == [second, first]
    assert sandbox.client.get("/assay-runs:bulk-get", params={"assayRunIds": "nope"}).status_code == 400
    assert sandbox.client.get("/assay-runs/nope").status_code == 400


def test_archive_and_unarchive(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    no_reason = sandbox.client.post("/assay-runs:archive", json={"assayRunIds": [run_id]})
    assert no_reason.status_code == 400
    archived = sandbox.client.post(
        "/assay-runs:archive", json={"assayRunIds": [run_id], "reason": "Made in error"}
    )
    assert archived.json() == {"assayRunIds": [run_id]}
    assert sandbox.client.get(f"/assay-runs/{run_id}").json()["archiveRecord"] == {"reason": "Made in error"}
    sandbox.client.post("/assay-runs:unarchive", json={"assayRunIds": [run_id]})
    assert sandbox.client.get(f"/assay-runs/{run_id}").json()["archiveRecord"] is None
