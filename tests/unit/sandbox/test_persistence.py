from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support.inprocess_sandbox import Sandbox, result_item


def test_state_file_survives_a_restart(make_sandbox: Callable[..., Sandbox], tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.sqlite"
    first = make_sandbox(state_file=state_file)
    run_id = first.create_run()
    blob_id = first.upload_blob(b"kept")
    transaction = first.client.post("/result-transactions").json()["id"]
    first.client.post(
        f"/result-transactions/{transaction}/results", json={"assayResults": [result_item(run_id)]}
    )
    first.close()

    second = make_sandbox(state_file=state_file)
    assert second.client.get(f"/assay-runs/{run_id}").status_code == 200
    assert second.state.blobs.read(blob_id) == b"kept"
    assert second.client.post(f"/result-transactions/{transaction}:commit").status_code == 200
    assert len(second.state.store.results(run_id)) == 1
    duplicate = second.client.post(
        "/assay-runs",
        json={
            "assayRuns": [{"schemaId": "assaysch_chromrun01", "id": run_id, "fields": {"instrument": "x"}}]
        },
    )
    assert duplicate.status_code == 400
