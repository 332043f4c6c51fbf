"""A listing whose ``nextToken`` is refused restarts from the first page a bounded number of times
(the client against the sandbox in-process, under ``page_token_expiry``)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ingest.benchling import ApiKey, BenchlingClient, RateLimit, RetryPolicy
from ingest.benchling.pages import MAX_LISTING_RESTARTS, MAX_PAGE_SIZE
from ingest.errors import BenchlingRejectedError
from ingest.sandbox import SandboxConfig, Variants, create_app, inprocess_transport
from tests.support.fake_time import FakeTime

TENANT_FILE = Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml"
RUN_SCHEMA = "assaysch_chromrun01"


def make(expiry: str) -> BenchlingClient:
    config = SandboxConfig.from_tenant_file(
        TENANT_FILE, rate_limit=None, variants=Variants.model_validate({"page_token_expiry": expiry})
    )
    time = FakeTime()
    return BenchlingClient(
        "http://sandbox",
        ApiKey("sandbox-api-key"),
        transport=inprocess_transport(create_app(config)),
        rate_limit=RateLimit(100_000, 1.0),
        retry_policy=RetryPolicy(jitter=0.0),
        clock=time.clock,
        sleep=time.sleep,
    )


def create_runs(client: BenchlingClient, pages: int) -> set[str]:
    ids: set[str] = set()
    for _ in range(pages):
        bodies = [
            {"id": str(uuid.uuid4()), "schemaId": RUN_SCHEMA, "fields": {"instrument": "HPLC-01"}}
            for _ in range(MAX_PAGE_SIZE)
        ]
        ids.update(client.create_runs(bodies))
    return ids


def test_a_listing_needing_every_allowed_restart_yields_each_item_once() -> None:
    with make("first_use_400") as client:
        created = create_runs(client, MAX_LISTING_RESTARTS + 1)
        listed = [run.id for run in client.list_runs(RUN_SCHEMA)]
    assert len(listed) == len(created) and set(listed) == created


def test_a_listing_refused_more_often_than_allowed_raises_the_refusal() -> None:
    with make("first_use_400") as client:
        create_runs(client, MAX_LISTING_RESTARTS + 2)
        with pytest.raises(BenchlingRejectedError) as caught:
            list(client.list_runs(RUN_SCHEMA))
    assert caught.value.status == 400
    assert caught.value.benchling_message == "Invalid or expired nextToken."
