"""Inventory and notebook entries: list filters, bulk-gets, gets, and storage_link/entry_link fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ConfigError
from ingest.sandbox.tenant import tenant_from_dict
from tests.support.inprocess_sandbox import Sandbox


def test_lists_filter_by_barcodes_names_schema_and_ancestor(sandbox: Sandbox) -> None:
    def ids(path: str, **params: str) -> list[str]:
        response = sandbox.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()[path.strip("/")]]

    assert ids("/containers", barcodes="VIAL-0003,VIAL-0001") == ["con_vial0003", "con_vial0001"]
    assert ids("/containers", **{"names.anyOf": "vial 2,VIAL 3"}) == ["con_vial0002", "con_vial0003"]
    assert ids("/containers", **{"names.anyOf.caseSensitive": "vial 2,Vial 3"}) == ["con_vial0003"]
    assert ids("/plates", schemaId="pltsch_96well") == ["plt_assay01", "plt_assay02"]
    assert ids("/containers", ancestorStorageId="loc_freezer01") == [
        "con_vial0001",
        "con_vial0002",
        "con_vial0003",
    ]
    assert ids("/boxes", name="Vial Box 1") == ["box_vials01"]
    assert ids("/locations") == ["loc_freezer01", "loc_shelf01"]
    assert ids("/entries", displayIds="EXP23-002") == ["etr_exp23002"]


def test_list_filters_on_ids_or_barcodes_match_all_or_list_the_invalid(sandbox: Sandbox) -> None:
    response = sandbox.client.get("/containers", params={"barcodes": "VIAL-0001,NOPE-1,NOPE-2"})
    assert response.status_code == 400
    assert response.json()["invalidIds"] == ["NOPE-1", "NOPE-2"]
    entries = sandbox.client.get("/entries", params={"displayIds": "EXP23-001,EXP00-000"})
    assert entries.status_code == 400 and entries.json()["invalidIds"] == ["EXP00-000"]


def test_list_pages_with_tokens_bound_to_the_filters(sandbox: Sandbox) -> None:
    first = sandbox.client.get("/containers", params={"pageSize": 2}).json()
    assert len(first["containers"]) == 2 and first["nextToken"]
    rest = sandbox.client.get("/containers", params={"pageSize": 2, "nextToken": first["nextToken"]}).json()
    assert [c["id"] for c in rest["containers"]] == ["con_vial0003"] and rest["nextToken"] == ""
    other = sandbox.client.get("/containers", params={"nextToken": first["nextToken"], "name": "Vial 1"})
    assert other.status_code == 400


def test_bulk_gets_take_ids_or_barcodes_but_not_both(sandbox: Sandbox) -> None:
    by_barcode = sandbox.client.get("/boxes:bulk-get", params={"barcodes": "BOX-0001"}).json()
    assert by_barcode["boxes"][0]["id"] == "box_vials01"
    by_id = sandbox.client.get("/locations:bulk-get", params={"locationIds": "loc_shelf01"}).json()
    assert by_id["locations"][0]["barcode"] == "LOC-SH01"
    both = sandbox.client.get(
        "/containers:bulk-get", params={"containerIds": "con_vial0001", "barcodes": "X"}
    )
    assert both.status_code == 400 and "exactly one of" in both.json()["error"]["message"]
    assert sandbox.client.get("/entries:bulk-get").status_code == 400
    # A container's id is not a plate's.
    wrong_kind = sandbox.client.get("/plates:bulk-get", params={"plateIds": "con_vial0001"})
    assert wrong_kind.status_code == 400


def test_get_by_id_answers_404_where_documented(sandbox: Sandbox) -> None:
    container = sandbox.client.get("/containers/con_vial0001").json()
    assert container["parentStorageSchema"] == {"id": "boxsch_81slot", "name": "81-Slot Box"}
    assert container["schema"] == {"id": "consch_hplcvial", "name": "HPLC Vial"}
    assert sandbox.client.get("/containers/con_nope").status_code == 404
    assert sandbox.client.get("/boxes/box_nope").status_code == 400
    entry = sandbox.client.get("/entries/etr_exp23001").json()
    assert entry["entry"]["displayId"] == "EXP23-001"
    assert sandbox.client.get("/entries/etr_nope").status_code == 404


def _plate_run(sandbox: Sandbox, **fields: Any) -> Any:
    item = {"schemaId": "assaysch_platerun01", "fields": {"instrument": "Reader", **fields}}
    return sandbox.client.post("/assay-runs", json={"assayRuns": [item]})


def test_storage_and_entry_links_take_existing_ids_of_the_linked_schema(sandbox: Sandbox) -> None:
    created = _plate_run(sandbox, plate="plt_assay02", experiment="etr_exp23002")
    assert created.status_code == 200, created.text
    run = sandbox.client.get(f"/assay-runs/{created.json()['assayRuns'][0]}").json()
    assert run["fields"]["plate"]["value"] == "plt_assay02"
    assert run["fields"]["plate"]["displayValue"] == "Assay Plate 2"
    assert run["fields"]["experiment"]["displayValue"] == "Plate reader calibration"
    field_defs = sandbox.client.get("/assay-run-schemas/assaysch_platerun01").json()["fieldDefinitions"]
    plate_def = next(f for f in field_defs if f["name"] == "plate")
    assert (plate_def["type"], plate_def["schemaId"]) == ("storage_link", "pltsch_96well")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"plate": "PLT-0001"}, "storage item 'PLT-0001' does not exist"),
        (
            {"plate": "con_vial0001"},
            "container 'con_vial0001' has schema consch_hplcvial, expected pltsch_96well",
        ),
        ({"experiment": "EXP23-001"}, "entry 'EXP23-001' does not exist"),
        ({"experiment": ["etr_exp23001"]}, "a single value is expected"),
    ],
)
def test_bad_link_values_are_400_field_errors(
    sandbox: Sandbox, fields: dict[str, Any], expected: str
) -> None:
    response = _plate_run(sandbox, **fields)
    assert response.status_code == 400
    assert expected in response.text


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"containers": [{"id": "box_x", "name": "X"}]}, "must start with 'con_'"),
        (
            {
                "containers": [
                    {"id": "con_a", "name": "A", "barcode": "B1"},
                    {"id": "con_b", "name": "B", "barcode": "B1"},
                ]
            },
            "barcodes must be unique",
        ),
        ({"plates": [{"id": "plt_a", "name": "A", "schema_id": "consch_x"}]}, "is not a plate schema"),
        (
            {"entries": [{"id": "etr_a", "display_id": "E-1", "name": "A", "schema_id": "nope"}]},
            "is not one of",
        ),
        ({"boxes": [{"id": "box_a", "name": "A", "parent_storage_id": "loc_nope"}]}, "is not a storage id"),
    ],
)
def test_tenant_inventory_mistakes_name_the_key(extra: dict[str, Any], expected: str) -> None:
    raw = {"storage_schemas": [{"id": "consch_x", "name": "Vial", "kind": "container"}], **extra}
    with pytest.raises(ConfigError) as caught:
        tenant_from_dict(raw, source=Path("tenant.yaml"))
    assert expected in caught.value.message
