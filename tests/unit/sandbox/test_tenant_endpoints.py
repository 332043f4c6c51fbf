from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.sandbox import load_tenant
from tests.support.inprocess_sandbox import Sandbox


def test_run_and_result_schemas_have_system_names_and_kinds(sandbox: Sandbox) -> None:
    runs = sandbox.client.get("/assay-run-schemas").json()["assayRunSchemas"]
    results = sandbox.client.get("/assay-result-schemas").json()["assayResultSchemas"]
    assert {s["type"] for s in runs} == {"assay_run"} and {s["type"] for s in results} == {"assay_result"}
    chrom = sandbox.client.get("/assay-result-schemas/assaysch_chromres01").json()
    run_link = next(f for f in chrom["fieldDefinitions"] if f["name"] == "run")
    assert run_link == {
        "id": run_link["id"],
        "name": "run",
        "type": "assay_run_link",
        "isMulti": False,
        "isRequired": True,
        "archiveRecord": None,
        "schemaId": "assaysch_chromrun01",
    }


def test_legacy_assay_schemas_lists_both_kinds(sandbox: Sandbox) -> None:
    body = sandbox.client.get("/assay-schemas").json()
    assert {s["type"] for s in body["assaySchemas"]} == {"assay_run", "assay_result"}
    assert body["nextToken"] == ""


def test_unknown_schema_is_404_not_found_error(sandbox: Sandbox) -> None:
    response = sandbox.client.get("/assay-run-schemas/assaysch_chromres01")
    assert response.status_code == 404
    assert response.json()["error"]["invalidId"] == "assaysch_chromres01"


def test_dropdowns_list_and_get(sandbox: Sandbox) -> None:
    listed = sandbox.client.get("/dropdowns").json()
    assert {"id": "sfs_runstatus", "name": "Run Status"} in listed["dropdowns"]
    review = sandbox.client.get("/dropdowns/sfs_review").json()
    assert [o["id"] for o in review["options"]] == ["sfso_pending", "sfso_accepted", "sfso_rejected"]
    assert review["archiveRecord"] is None
    assert sandbox.client.get("/dropdowns/sfs_nope").status_code == 404


def test_registries_and_registered_entities(sandbox: Sandbox) -> None:
    registries = sandbox.client.get("/registries", params={"name": "Samples"}).json()["registries"]
    assert [r["id"] for r in registries] == ["src_samplereg"]
    assert sandbox.client.get("/registries", params={"name": "Other"}).json() == {"registries": []}
    entities = sandbox.client.get(
        "/registries/src_samplereg/registered-entities:bulk-get",
        params={"entityRegistryIds": "SMP-002,SMP-020"},
    ).json()["entities"]
    assert [(e["id"], e["entityType"], e["entityRegistryId"]) for e in entities] == [
        ("bfi_smp002", "custom_entity", "SMP-002"),
        ("bfi_smp020", "custom_entity", "SMP-020"),
    ]
    missing = sandbox.client.get(
        "/registries/src_samplereg/registered-entities:bulk-get",
        params={"entityRegistryIds": "SMP-001,SMP-999"},
    )
    # The default variant (registry_missing=invalid_id_404): the documented NotFoundError, one invalidId.
    assert missing.status_code == 404
    assert missing.json()["error"]["invalidId"] == "SMP-999"
    assert "invalidIds" not in missing.json()["error"]
    assert sandbox.client.get("/registries/src_nope").status_code == 404


def test_tenant_errors_name_the_yaml_key(tmp_path: Path) -> None:
    bad = tmp_path / "tenant.yaml"
    bad.write_text(
        "dropdowns: []\nassay_run_schemas:\n  - {id: assaysch_x, name: X, system_name: x, "
        "fields: [{name: status, type: dropdown, dropdown: sfs_missing}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"assay_run_schemas\[0\]\.fields\[0\]\.dropdown 'sfs_missing'"):
        load_tenant(bad)
    bad.write_text("projects:\n  - {id: nope, name: X}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"projects\[0\]\.id"):
        load_tenant(bad)
