"""``page_token_expiry``: Benchling does not document how long a listing's ``nextToken`` lives. Over real
HTTP, a listing of several pages yields every item exactly once under every value of the variant: a
refused token restarts the listing from the first page, and what was yielded already is not yielded
again."""

from __future__ import annotations

import pytest

from ingest.benchling import BenchlingClient
from ingest.sandbox import SandboxServer, Variants
from tests.integration.client.wire_bodies import RUN_SCHEMA, ClientFactory, SandboxFactory, run_body

RUNS = 250  # three pages of 100


def _create_runs(client: BenchlingClient, count: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 100):
        ids += client.create_runs([run_body() for _ in range(min(100, count - start))])
    return ids


@pytest.mark.parametrize("expiry", Variants.values_of("page_token_expiry") or ())
def test_a_listing_yields_every_item_once_whether_or_not_its_tokens_expire(
    start_sandbox: SandboxFactory, make_client: ClientFactory, expiry: str
) -> None:
    server: SandboxServer = start_sandbox(variants=Variants.model_validate({"page_token_expiry": expiry}))
    client = make_client(server)
    created = _create_runs(client, RUNS)

    listed = [run.id for run in client.list_runs(RUN_SCHEMA)]

    assert sorted(listed) == sorted(created)
    assert len(listed) == len(set(listed))
    refused = server.request_log.count(method="GET", path="/api/v2/assay-runs", status=400) + (
        server.request_log.count(method="GET", path="/api/v2/assay-runs", status=404)
    )
    # Each of the two tokens is refused once when they expire (each restart gets one page further).
    assert refused == (0 if expiry == "never" else 2)
