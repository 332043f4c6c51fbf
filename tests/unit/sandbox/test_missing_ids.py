"""Unknown keys in every bulk-get, answered as each value of the ``*_missing`` variants says."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ingest.sandbox import Variants
from tests.support.inprocess_sandbox import Sandbox, result_item

UNKNOWN = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]


@dataclass(frozen=True)
class BulkGet:
    variant: str
    path: str
    param: str
    key: str  # the list key of the answer
    key_field: str  # what identifies an item in the answer
    make_known: Callable[[Sandbox], str]
    unknown: tuple[str, ...] = tuple(UNKNOWN)


def _run(sandbox: Sandbox) -> str:
    return sandbox.create_run()


def _result(sandbox: Sandbox) -> str:
    result_id = str(uuid.uuid4())
    item = {**result_item(sandbox.create_run()), "id": result_id}
    assert sandbox.client.post("/assay-results", json={"assayResults": [item]}).status_code == 200
    return result_id


BULK_GETS = [
    BulkGet("runs_missing", "/assay-runs:bulk-get", "assayRunIds", "assayRuns", "id", _run),
    BulkGet("results_missing", "/assay-results:bulk-get", "assayResultIds", "assayResults", "id", _result),
    BulkGet("blobs_missing", "/blobs:bulk-get", "blobIds", "blobs", "id", lambda s: s.upload_blob()),
    BulkGet(
        "registry_missing",
        "/registries/src_samplereg/registered-entities:bulk-get",
        "entityRegistryIds",
        "entities",
        "entityRegistryId",
        lambda s: "SMP-003",
        ("SMP-998", "SMP-999"),
    ),
    BulkGet(
        "inventory_missing",
        "/containers:bulk-get",
        "barcodes",
        "containers",
        "barcode",
        lambda s: "VIAL-0002",
        ("VIAL-9998", "VIAL-9999"),
    ),
    BulkGet(
        "inventory_missing",
        "/plates:bulk-get",
        "plateIds",
        "plates",
        "id",
        lambda s: "plt_assay01",
        ("plt_nope1", "plt_nope2"),
    ),
    BulkGet(
        "inventory_missing",
        "/entries:bulk-get",
        "displayIds",
        "entries",
        "displayId",
        lambda s: "EXP23-002",
        ("EXP99-001", "EXP99-002"),
    ),
]
STYLES = Variants.values_of("runs_missing") or ()


def _ask(sandbox: Sandbox, case: BulkGet, keys: list[str]) -> Any:
    return sandbox.client.get(case.path, params={case.param: ",".join(keys)})


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", BULK_GETS, ids=lambda c: f"{c.path}?{c.param}")
def test_unknown_keys_are_answered_as_the_variant_says(
    make_sandbox: Callable[..., Sandbox], case: BulkGet, style: str
) -> None:
    sandbox = make_sandbox(variants=Variants.model_validate({case.variant: style}))
    known = case.make_known(sandbox)
    keys = [case.unknown[0], known, case.unknown[1]]
    response = _ask(sandbox, case, keys)
    body = response.json()
    unknown = list(case.unknown)
    if style == "partial_200":
        assert response.status_code == 200
        assert [item[case.key_field] for item in body[case.key]] == [known]
        return
    error = body["error"]
    assert error["type"] == "invalid_request_error" and error["message"] and error["userMessage"]
    if style == "listing_error_400":
        assert response.status_code == 400
        assert body["invalidIds"] == unknown and "invalidIds" not in error
    elif style in ("invalid_ids_400", "invalid_ids_404"):
        assert response.status_code == int(style[-3:])
        assert error["invalidIds"] == unknown and error["invalidId"] == unknown[0]
    elif style == "invalid_id_404":
        assert response.status_code == 404
        assert error["invalidId"] == unknown[0] and "invalidIds" not in error
        assert unknown[1] not in error["message"]
    else:
        assert (response.status_code, set(error)) == (400, {"type", "message", "userMessage"})
        assert not any(key in error["message"] for key in unknown)
    # Whatever the style, a list of known keys is answered in full and in order.
    assert _ask(sandbox, case, [known]).json()[case.key][0][case.key_field] == known


def test_uncommitted_results_count_as_unknown(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(variants=Variants(results_missing="partial_200"))
    run_id = sandbox.create_run()
    transaction = sandbox.client.post("/result-transactions").json()["id"]
    hidden = str(uuid.uuid4())
    added = sandbox.client.post(
        f"/result-transactions/{transaction}/results",
        json={"assayResults": [{**result_item(run_id), "id": hidden}]},
    )
    assert added.status_code == 200
    answer = sandbox.client.get("/assay-results:bulk-get", params={"assayResultIds": hidden})
    assert answer.json() == {"assayResults": []}


@pytest.mark.parametrize("limit", [200, 3])
def test_bulk_gets_take_at_most_bulk_get_max_ids(make_sandbox: Callable[..., Sandbox], limit: int) -> None:
    sandbox = make_sandbox(variants=Variants(bulk_get_max_ids=limit, runs_missing="partial_200"))
    for path, param in (
        ("/assay-runs:bulk-get", "assayRunIds"),
        ("/registries/src_samplereg/registered-entities:bulk-get", "entityRegistryIds"),
        ("/containers:bulk-get", "containerIds"),
        ("/entries:bulk-get", "entryIds"),
    ):
        over = sandbox.client.get(path, params={param: ",".join(f"x{i}" for i in range(limit + 1))})
        assert over.status_code == 400, path
        assert f"at most {limit} are allowed" in over.json()["error"]["message"]
    at_limit = sandbox.client.get(
        "/assay-runs:bulk-get", params={"assayRunIds": ",".join(f"x{i}" for i in range(limit))}
    )
    assert at_limit.status_code == 200
