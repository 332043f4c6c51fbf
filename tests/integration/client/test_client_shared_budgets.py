"""Budgets the client shares with others (tenant-wide user budget, per-app and all-apps budgets) and the
hourly cap on POST /assay-results, over real HTTP."""

from __future__ import annotations

from ingest.benchling import ApiKey, BenchlingClient, ClientCredentials, PacingWait, RateLimit
from ingest.sandbox import ManualClock, Variants
from ingest.sandbox import RateLimit as SandboxRateLimit
from tests.integration.client.wire_bodies import (
    FAST,
    RUN_SCHEMA,
    ClientFactory,
    SandboxFactory,
    result_body,
    run_body,
)

KEYS = ("first-user-key", "second-user-key")
APPS = {"app-one": "secret-one", "app-two": "secret-two"}


def _read_schemas(client: BenchlingClient, count: int) -> int:
    return sum(client.get_run_schema(RUN_SCHEMA).id == RUN_SCHEMA for _ in range(count))


def test_a_user_key_waits_out_the_429_another_key_caused_in_the_tenant_budget(
    start_sandbox: SandboxFactory,
) -> None:
    clock = ManualClock()
    server = start_sandbox(api_keys=KEYS, clock=clock, rate_limit=SandboxRateLimit(8, 30.0))
    clients = [
        BenchlingClient(
            server.base_url,
            ApiKey(key),
            retry_policy=FAST,
            rate_limit=RateLimit(8, 30.0),
            clock=clock.monotonic,
            sleep=clock.advance,
        )
        for key in KEYS
    ]
    try:
        first, second = clients
        assert _read_schemas(first, 8) == 8
        # The second key has spent nothing itself, but the tenant budget is gone: a 429 with the
        # documented body, waited out until the window resets (on the sandbox's clock).
        assert _read_schemas(second, 3) == 3
        assert server.request_log.count(status=429) == 1 == second.stats.rate_limited
        assert clock.monotonic() >= 30
    finally:
        for client in clients:
            client.close()


def test_an_app_over_the_all_apps_ceiling_waits_although_its_own_budget_has_room(
    start_sandbox: SandboxFactory,
) -> None:
    clock = ManualClock()
    server = start_sandbox(
        oauth_clients=APPS,
        clock=clock,
        rate_limit=SandboxRateLimit(60, 30.0),
        app_rate_limit=SandboxRateLimit(6, 30.0),
        all_apps_rate_limit=SandboxRateLimit(8, 30.0),
    )
    clients = [
        BenchlingClient(
            server.base_url,
            ClientCredentials(app, secret),
            retry_policy=FAST,
            # Above the apps' budgets: here the client learns them from headers and 429s only.
            rate_limit=RateLimit(100, 30.0),
            clock=clock.monotonic,
            sleep=clock.advance,
        )
        for app, secret in APPS.items()
    ]
    try:
        one, two = clients
        assert _read_schemas(one, 6) == 6  # its own budget, and 6 of all apps' 8
        # The third read is over the ceiling while app-two's own budget shows 4 left: a 429 anyway.
        assert _read_schemas(two, 3) == 3
        assert server.request_log.count(status=429) == 1 == two.stats.rate_limited
        assert server.request_log.count(method="GET", status=200) == 9
    finally:
        for client in clients:
            client.close()


def test_the_client_paces_result_posts_to_the_hourly_cap_without_a_429(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    clock = ManualClock()
    server = start_sandbox(clock=clock, variants=Variants(results_hourly_cap=3))
    waits: list[PacingWait] = []
    client = make_client(
        server, results_per_hour=3, clock=clock.monotonic, sleep=clock.advance, on_wait=waits.append
    )
    run_id = client.create_run(run_body())
    for index in range(3):
        client.create_results([result_body(run_id, index)])
        clock.advance(10)
    assert client.results_cap_wait_seconds() == 3600 - 30
    for index in range(3, 5):
        client.create_results([result_body(run_id, index)])
    assert server.request_log.count(status=429) == 0
    assert server.request_log.count(method="POST", path="/api/v2/assay-results") == 5
    assert [w.reason for w in waits] == ["results_hourly_cap", "results_hourly_cap"]
    assert waits[0].seconds == 3600 - 30
    assert len(server.store.results()) == 5


def test_transactions_and_bulk_creates_are_paced_with_result_posts(
    start_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    clock = ManualClock()
    variants = Variants(results_hourly_cap=2, results_cap_covers="all_result_writes")
    server = start_sandbox(clock=clock, variants=variants)
    waits: list[PacingWait] = []
    client = make_client(
        server, results_per_hour=2, clock=clock.monotonic, sleep=clock.advance, on_wait=waits.append
    )
    run_id = client.create_run(run_body())
    client.create_results([result_body(run_id, i) for i in range(3)], chunk_size=2)  # two appends
    client.bulk_create_results([result_body(run_id, 3)])
    client.create_results([result_body(run_id, 4)])
    assert server.request_log.count(status=429) == 0
    assert len(waits) == 1 and len(server.store.results()) == 5  # the bulk-create waited an hour
