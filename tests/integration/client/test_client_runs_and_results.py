from __future__ import annotations

from ingest.benchling import BenchlingClient
from ingest.errors import BenchlingRejectedError
from ingest.sandbox import FaultRule, FaultSpec, SandboxServer
from tests.integration.client.wire_bodies import (
    RESULT_SCHEMA,
    RUN_SCHEMA,
    ClientFactory,
    SandboxFactory,
    result_body,
    run_body,
)


def stored_run_ids(server: SandboxServer) -> list[str]:
    return [run["id"] for run in server.store.runs()]


def stored_result_ids(server: SandboxServer) -> list[str]:
    return [result["id"] for result in server.store.results()]


def test_runs_are_created_with_their_client_ids_in_one_request(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    bodies = [run_body(method=f"m{i}") for i in range(3)]
    ids = client.create_runs(bodies)
    assert ids == [b["id"] for b in bodies]
    assert sorted(stored_run_ids(sandbox)) == sorted(ids)
    assert client.stats.requests["POST /assay-runs"] == 1
    assert client.get_run(ids[0]).fields["method"]["value"] == "m0"
    assert {r.id for r in client.bulk_get_runs(ids)} == set(ids)
    assert {r.id for r in client.list_runs(RUN_SCHEMA)} == set(ids)
    assert client.archive_runs(ids[:1]) == ids[:1]
    assert client.get_run(ids[0]).archive_record is not None


def test_a_run_without_an_id_gets_one(sandbox: SandboxServer, client: BenchlingClient) -> None:
    body = run_body()
    del body["id"]
    run_id = client.create_run(body)
    assert stored_run_ids(sandbox) == [run_id]


def test_commit_then_502_on_run_creation_stores_exactly_one_run(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /assay-runs: script=commit_then_502"))
    client = make_client(server)
    run_id = client.create_run(run_body())
    assert stored_run_ids(server) == [run_id]
    assert server.request_log.count(method="POST", path="/api/v2/assay-runs") == 1
    assert client.stats.ambiguous_writes == 1


def test_dropped_connection_on_run_creation_resends_after_checking(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /assay-runs: script=drop,502"))
    client = make_client(server)
    run_id = client.create_run(run_body())
    assert stored_run_ids(server) == [run_id]


def test_creating_an_existing_run_again_creates_nothing(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    body = run_body()
    client.create_run(body)
    assert client.create_run(body) == body["id"]
    assert stored_run_ids(sandbox) == [body["id"]]


def test_an_invalid_run_is_rejected_with_the_field_named(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    body = run_body(injection_volume_ul="lots")
    try:
        client.create_run(body)
    except BenchlingRejectedError as exc:
        assert exc.status == 400
        assert "injection_volume_ul" in str(exc)
    else:
        raise AssertionError("an invalid float must be rejected")
    assert stored_run_ids(sandbox) == []


def test_up_to_100_results_go_in_one_request(sandbox: SandboxServer, client: BenchlingClient) -> None:
    run_id = client.create_run(run_body())
    results = [result_body(run_id, i) for i in range(100)]
    ids = client.create_results(results)
    assert sorted(stored_result_ids(sandbox)) == sorted(ids)
    assert client.stats.requests["POST /assay-results"] == 1
    assert {r.id for r in client.bulk_get_results(ids)} == set(ids)
    assert {r.id for r in client.list_results(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id])} == set(ids)


def test_more_than_100_results_go_through_one_transaction(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    run_id = client.create_run(run_body())
    seen: list[str] = []
    ids = client.create_results([result_body(run_id, i) for i in range(250)], on_transaction=seen.append)
    assert len(ids) == 250
    assert sorted(stored_result_ids(sandbox)) == sorted(ids)
    assert len(seen) == 1
    assert client.stats.requests["POST /result-transactions/{transaction_id}/results"] == 3
    assert client.stats.requests["POST /result-transactions/{transaction_id}:commit"] == 1


def test_a_bad_result_in_a_transaction_leaves_no_results(
    sandbox: SandboxServer, client: BenchlingClient
) -> None:
    run_id = client.create_run(run_body())
    results = [result_body(run_id, i) for i in range(150)]
    results[140]["fields"]["sample"] = "bfi_unknown"
    try:
        client.create_results(results)
    except BenchlingRejectedError:
        pass
    else:
        raise AssertionError("an unknown entity must be rejected")
    assert stored_result_ids(sandbox) == []


def test_commit_then_502_on_result_creation_stores_exactly_one_set(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /assay-results: script=commit_then_502"))
    client = make_client(server)
    run_id = client.create_run(run_body())
    ids = client.create_results([result_body(run_id, i) for i in range(40)])
    assert sorted(stored_result_ids(server)) == sorted(ids)
    assert len(stored_result_ids(server)) == 40
    assert server.request_log.count(method="POST", path="/api/v2/assay-results") == 1


def test_commit_then_502_on_a_transaction_commit_stores_exactly_one_set(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    commit_rule = FaultRule(method="POST", path="/result-transactions/*:commit", script=("commit_then_502",))
    server = start_sandbox(faults=FaultSpec(rules=(commit_rule,)))
    client = make_client(server)
    run_id = client.create_run(run_body())
    ids = client.create_results([result_body(run_id, i) for i in range(150)])
    assert sorted(stored_result_ids(server)) == sorted(ids)
    assert len(stored_result_ids(server)) == 150


def test_ambiguous_append_restarts_the_transaction_without_duplicates(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    server = start_sandbox(
        faults=FaultSpec.parse("POST /result-transactions/*/results: script=ok,commit_then_502")
    )
    client = make_client(server)
    run_id = client.create_run(run_body())
    seen: list[str] = []
    ids = client.create_results([result_body(run_id, i) for i in range(150)], on_transaction=seen.append)
    assert sorted(stored_result_ids(server)) == sorted(ids)
    assert len(seen) == 2


def test_bulk_create_waits_for_its_task(sandbox: SandboxServer, client: BenchlingClient) -> None:
    run_id = client.create_run(run_body())
    ids = client.bulk_create_results([result_body(run_id, i) for i in range(300)])
    assert sorted(stored_result_ids(sandbox)) == sorted(ids)
    assert client.stats.requests["GET /tasks/{task_id}"] >= 1


def test_results_can_be_archived(sandbox: SandboxServer, client: BenchlingClient) -> None:
    run_id = client.create_run(run_body())
    ids = client.create_results([result_body(run_id, i) for i in range(3)])
    assert sorted(client.archive_results(ids)) == sorted(ids)
    assert client.get_result(ids[0]).archive_record is not None
