"""Created ids over real HTTP: ids the tenant assigns itself, ids that already exist, datetime forms."""

from __future__ import annotations

import pytest

from ingest.benchling import ClientIdsNotKeptError
from ingest.errors import BenchlingRejectedError
from ingest.sandbox import FaultSpec, SandboxServer, Variants
from tests.integration.client.wire_bodies import ClientFactory, SandboxFactory, result_body, run_body

DUPLICATES = Variants.values_of("duplicate_id") or ()


def _stored_runs(server: SandboxServer) -> list[str]:
    return [run["id"] for run in server.store.runs()]


def _stored_results(server: SandboxServer, *, uncommitted: bool = False) -> list[str]:
    return [r["id"] for r in server.store.results(include_uncommitted=uncommitted)]


@pytest.fixture
def assigning(start_sandbox: SandboxFactory) -> SandboxServer:
    return start_sandbox(variants=Variants(client_ids="server_assigned"))


def test_server_assigned_run_ids_raise_naming_the_runs_that_exist(
    assigning: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(assigning)
    bodies = [run_body(), run_body()]
    with pytest.raises(ClientIdsNotKeptError) as caught:
        client.create_runs(bodies)
    error = caught.value
    assert error.sent_ids == [b["id"] for b in bodies]
    assert sorted(error.assigned_ids) == sorted(_stored_runs(assigning))
    assert not set(error.sent_ids) & set(_stored_runs(assigning))
    assert error.retryable is False and error.created is True
    assert "assigns its own ids" in error.message and "POST /assay-runs" in error.message
    assert error.to_dict()["details"]["assigned_ids"] == error.assigned_ids


def test_server_assigned_result_ids_raise_for_posts_and_bulk_create(
    assigning: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(assigning)
    with pytest.raises(ClientIdsNotKeptError) as made:
        client.create_run(run_body())
    run_id = made.value.assigned_ids[0]
    with pytest.raises(ClientIdsNotKeptError) as posted:
        client.create_results([result_body(run_id, i) for i in range(3)])
    assert sorted(posted.value.assigned_ids) == sorted(_stored_results(assigning))
    with pytest.raises(ClientIdsNotKeptError) as bulk:
        client.bulk_create_results([result_body(run_id, i) for i in range(2)])
    assert set(bulk.value.assigned_ids) <= set(_stored_results(assigning))
    assert len(_stored_results(assigning)) == 5


def test_server_assigned_ids_in_a_transaction_are_caught_before_the_commit(
    assigning: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(assigning)
    with pytest.raises(ClientIdsNotKeptError) as made:
        client.create_run(run_body())
    run_id = made.value.assigned_ids[0]
    with pytest.raises(ClientIdsNotKeptError) as caught:
        client.create_results([result_body(run_id, i) for i in range(5)], chunk_size=2)
    assert caught.value.created is False and caught.value.assigned_ids == []
    assert "Nothing was created" in caught.value.message
    assert _stored_results(assigning, uncommitted=True) == []
    assert [t["status"] for t in assigning.store.transactions()] == ["ABORTED"]


@pytest.mark.parametrize("duplicate", DUPLICATES)
def test_creating_existing_runs_and_results_again_creates_nothing(
    start_sandbox: SandboxFactory, make_client: ClientFactory, duplicate: str
) -> None:
    server = start_sandbox(variants=Variants.model_validate({"duplicate_id": duplicate}))
    client = make_client(server)
    body = run_body()
    run_id = client.create_run(body)
    assert client.create_run(body) == run_id
    fresh = run_body()
    assert client.create_runs([body, fresh]) == [run_id, fresh["id"]]
    assert sorted(_stored_runs(server)) == sorted([run_id, fresh["id"]])
    results = [result_body(run_id, i) for i in range(4)]
    ids = client.create_results(results[:2])
    assert client.create_results(results) == ids + [r["id"] for r in results[2:]]
    assert client.create_results(results, chunk_size=2) == [r["id"] for r in results]
    assert sorted(_stored_results(server)) == sorted(r["id"] for r in results)


@pytest.mark.parametrize("duplicate", DUPLICATES)
def test_commit_then_502_stores_one_run_whatever_a_duplicate_answers(
    start_sandbox: SandboxFactory, make_client: ClientFactory, duplicate: str
) -> None:
    server = start_sandbox(
        variants=Variants.model_validate({"duplicate_id": duplicate}),
        faults=FaultSpec.parse("POST /assay-runs: script=commit_then_502"),
    )
    client = make_client(server)
    run_id = client.create_run(run_body())
    assert _stored_runs(server) == [run_id]


@pytest.mark.parametrize("duplicate", DUPLICATES)
def test_a_duplicate_with_an_invalid_sibling_is_still_rejected(
    start_sandbox: SandboxFactory, make_client: ClientFactory, duplicate: str
) -> None:
    server = start_sandbox(variants=Variants.model_validate({"duplicate_id": duplicate}))
    client = make_client(server)
    body = run_body()
    client.create_run(body)
    invalid = run_body()
    invalid["fields"] = {"method": "no instrument"}
    with pytest.raises(BenchlingRejectedError) as caught:
        client.create_runs([body, invalid])
    assert "instrument" in caught.value.message
    assert _stored_runs(server) == [body["id"]]


@pytest.mark.parametrize(
    ("form", "value", "other"),
    [
        ("rfc3339", "2022-03-18T17:14:35Z", "2022-03-18 05:14:35 PM"),
        ("display_12h", "2022-03-18 05:14:35 PM", "2022-03-18T17:14:35Z"),
    ],
)
def test_datetime_values_pass_through_the_client_untouched(
    start_sandbox: SandboxFactory, make_client: ClientFactory, form: str, value: str, other: str
) -> None:
    server = start_sandbox(variants=Variants.model_validate({"datetime": form}))
    client = make_client(server)
    run_id = client.create_run(run_body(injection_time=value))
    assert client.get_run(run_id).fields["injection_time"]["value"] == value
    with pytest.raises(BenchlingRejectedError) as caught:
        client.create_run(run_body(injection_time=other))
    assert "injection_time" in caught.value.message and other in caught.value.message
