"""The client's lookups over real HTTP, under every answer the sandbox can give for unknown keys."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ingest.benchling import BenchlingClient
from ingest.errors import BenchlingNotFoundError
from ingest.sandbox import SandboxServer, Variants
from tests.integration.client.wire_bodies import ClientFactory, SandboxFactory, result_body, run_body

STYLES = Variants.values_of("registry_missing") or ()
REGISTRY_PATH = "/api/v2/registries/src_samplereg/registered-entities:bulk-get"


def _start(start_sandbox: SandboxFactory, **variants: str | int) -> SandboxServer:
    return start_sandbox(variants=Variants.model_validate(variants))


@pytest.mark.parametrize("style", STYLES)
def test_registered_entities_report_found_and_missing_under_every_answer(
    start_sandbox: SandboxFactory, make_client: ClientFactory, style: str
) -> None:
    server = _start(start_sandbox, registry_missing=style)
    client = make_client(server)
    known = [f"SMP-{i:03d}" for i in range(1, 21)]
    unknown = ["SMP-900", "SMP-901", "SMP-902"]
    wanted = [known[0], unknown[0], *known[1:10], unknown[1], *known[10:], unknown[2]]
    lookup = client.lookup_registered_entities("src_samplereg", wanted)
    assert list(lookup.found) == known
    assert lookup.found["SMP-004"].id == "bfi_smp004"
    assert lookup.missing == tuple(unknown)
    assert client.registered_entities("src_samplereg", ["SMP-900", "SMP-002"]).keys() == {"SMP-002"}


@pytest.mark.parametrize("style", STYLES)
def test_one_unknown_among_many_costs_a_few_calls_never_one_per_id(
    start_sandbox: SandboxFactory, make_client: ClientFactory, style: str
) -> None:
    server = _start(start_sandbox, registry_missing=style)
    client = make_client(server)
    wanted = [f"SMP-{i:03d}" for i in range(1, 21)]
    wanted.insert(13, "SMP-900")
    lookup = client.lookup_registered_entities("src_samplereg", wanted)
    assert lookup.missing == ("SMP-900",) and len(lookup.found) == 20
    calls = server.request_log.count(method="GET", path=REGISTRY_PATH)
    # A plain 400 is bisected: 1 + 2 per level (21 ids: 5 levels), against 21 calls one id at a time.
    assert calls <= (11 if style == "bad_request_400" else 2), calls


def test_unknown_ids_named_one_at_a_time_cost_one_call_each_plus_one(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = _start(start_sandbox, registry_missing="invalid_id_404")
    client = make_client(server)
    unknown = [f"NOPE-{i:02d}" for i in range(40)]
    lookup = client.lookup_registered_entities("src_samplereg", [*unknown, "SMP-001"])
    assert list(lookup.found) == ["SMP-001"] and lookup.missing == tuple(unknown)
    # Each refusal names one id, so 40 unknown ids need 40 refusals, then one call that succeeds.
    assert server.request_log.count(method="GET", path=REGISTRY_PATH) == 41


@pytest.mark.parametrize("style", STYLES)
def test_an_unknown_registry_fails_instead_of_reading_as_all_missing(
    start_sandbox: SandboxFactory, make_client: ClientFactory, style: str
) -> None:
    client = make_client(_start(start_sandbox, registry_missing=style))
    with pytest.raises(BenchlingNotFoundError) as caught:
        client.lookup_registered_entities("src_nope", ["SMP-001", "SMP-002"])
    assert "src_nope" in caught.value.message


@pytest.mark.parametrize("style", STYLES)
def test_runs_results_and_blobs_existence_under_every_answer(
    start_sandbox: SandboxFactory, make_client: ClientFactory, style: str, tmp_path: Path
) -> None:
    server = _start(start_sandbox, runs_missing=style, results_missing=style, blobs_missing=style)
    client = make_client(server)
    run_ids = client.create_runs([run_body(), run_body()])
    absent = [str(uuid.uuid4()) for _ in range(3)]
    lookup = client.lookup_runs([absent[0], run_ids[0], absent[1], run_ids[1], absent[2]])
    assert list(lookup.found) == run_ids and lookup.missing == tuple(absent)
    assert client.existing_runs([*absent, run_ids[1]]) == {run_ids[1]}
    assert [r.id for r in client.bulk_get_runs([absent[0], run_ids[0]])] == [run_ids[0]]

    result_ids = client.create_results([result_body(run_ids[0], i) for i in range(3)])
    assert client.existing_results([absent[0], *result_ids, absent[1]]) == set(result_ids)
    assert client.lookup_results(absent).missing == tuple(absent)

    trace = tmp_path / "trace.csv"
    trace.write_bytes(b"trace")
    blob = client.upload_blob(trace)
    blobs = client.lookup_blobs([absent[2], blob.id])
    assert list(blobs.found) == [blob.id] and blobs.missing == (absent[2],)
    assert client.existing_blobs([blob.id]) == {blob.id}


@pytest.mark.parametrize("style", STYLES)
def test_storage_and_entry_lookups_under_every_answer(
    start_sandbox: SandboxFactory, make_client: ClientFactory, style: str
) -> None:
    client = make_client(_start(start_sandbox, inventory_missing=style))
    barcodes = ["VIAL-0002", "PLT-0001", "NOPE-1", "BOX-0001", "LOC-F80A", "NOPE-2"]
    lookup = client.storage_by_barcodes(barcodes)
    assert {b: (i.id, i.kind) for b, i in lookup.found.items()} == {
        "VIAL-0002": ("con_vial0002", "container"),
        "PLT-0001": ("plt_assay01", "plate"),
        "BOX-0001": ("box_vials01", "box"),
        "LOC-F80A": ("loc_freezer01", "location"),
    }
    assert lookup.missing == ("NOPE-1", "NOPE-2")
    assert lookup.found["PLT-0001"].schema_ref is not None
    assert lookup.found["PLT-0001"].schema_ref.id == "pltsch_96well"
    plates_only = client.storage_by_barcodes(["VIAL-0001", "PLT-0002"], kinds=["plate"])
    assert list(plates_only.found) == ["PLT-0002"] and plates_only.missing == ("VIAL-0001",)
    by_id = client.storage_by_ids(["con_vial0003", "loc_shelf01", "con_nope", "xyz_1"])
    assert list(by_id.found) == ["con_vial0003", "loc_shelf01"]
    assert by_id.missing == ("con_nope", "xyz_1")
    entries = client.entries_by_display_ids(["EXP23-002", "EXP99-999", "EXP23-001"])
    assert {d: e.id for d, e in entries.found.items()} == {
        "EXP23-002": "etr_exp23002",
        "EXP23-001": "etr_exp23001",
    }
    assert entries.missing == ("EXP99-999",)
    assert list(client.entries_by_ids(["etr_exp23001", "etr_nope"]).found) == ["etr_exp23001"]


def test_storage_by_names_returns_every_item_of_each_name(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    named = client.storage_by_names(["Vial 2", "Assay Plate 1", "Nothing", "vial 3"])
    assert {n: [i.id for i in items] for n, items in named.items()} == {
        "Vial 2": ["con_vial0002"],
        "Assay Plate 1": ["plt_assay01"],
    }
    assert client.storage_by_names(["Vial 1"], kinds=["plate"]) == {}


@pytest.mark.parametrize("limit", [7, 1])
def test_a_smaller_bulk_get_limit_is_learned_not_failed(
    start_sandbox: SandboxFactory, make_client: ClientFactory, limit: int
) -> None:
    server = _start(start_sandbox, bulk_get_max_ids=limit, registry_missing="bad_request_400")
    client = make_client(server)
    wanted = [f"SMP-{i:03d}" for i in range(1, 21)]
    assert list(client.lookup_registered_entities("src_samplereg", wanted).found) == wanted
    refused = server.request_log.count(method="GET", path=REGISTRY_PATH, status=400)
    assert refused > 0
    before = server.request_log.count(method="GET", path=REGISTRY_PATH)
    assert list(client.lookup_registered_entities("src_samplereg", wanted).found) == wanted
    # The second lookup uses the learned size (at least half the real limit): nothing is refused.
    assert server.request_log.count(method="GET", path=REGISTRY_PATH, status=400) == refused
    calls = server.request_log.count(method="GET", path=REGISTRY_PATH) - before
    assert calls <= -(-len(wanted) // -(-limit // 2)), calls
    run_ids = [client.create_run(run_body()) for _ in range(limit + 2)]
    assert client.existing_runs(run_ids) == set(run_ids)
