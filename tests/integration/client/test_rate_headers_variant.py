"""``rate_headers``: Benchling's docs put the x-rate-limit-* headers on every answer, the OpenAPI spec only
on the list endpoints'. Over real HTTP against a sandbox with a strict sliding limit, the client stays
within the limit under both: its limiter counts its own requests and needs no header for that."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from integration.service.conftest import TENANT
from integration.service.service_rig import SCHEMAS_MAP

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.pipeline import Backfill
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import SandboxConfig, SandboxServer, Variants
from ingest.sandbox.config import RateLimit as TenantLimit
from ingest.settings import load_settings
from tests.support.corpus import write_corpus

LIMIT, WINDOW = 12, 2.0


@pytest.mark.parametrize("headers", ["every_response", "list_endpoints"])
def test_the_client_stays_within_the_limit_whichever_answers_carry_the_headers(
    tmp_path: Path, headers: str
) -> None:
    config = SandboxConfig.from_tenant_file(
        TENANT,
        rate_limit=TenantLimit(LIMIT, WINDOW, sliding=True),
        variants=Variants.model_validate({"rate_headers": headers}),
    )
    paths = [e.csv for e in write_corpus(tmp_path / "archive", 6, seed=11)]
    with SandboxServer(config) as sandbox:
        client = ClientSettings(sandbox.base_url, ApiKey(sandbox.api_key), RateLimit(LIMIT, WINDOW))
        settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path / "state", client=client)
        with open_pipeline(settings) as pipeline:
            with ThreadPoolExecutor(LIMIT) as burst:  # a window's worth at once, as the workers at start
                list(burst.map(lambda _: pipeline.client.list_projects(), range(LIMIT)))
            kinds = [o.kind for o in Backfill(pipeline, batch_files=2).run(paths, root=tmp_path / "archive")]
        assert kinds == ["done"] * len(paths)
        assert sandbox.request_log.count(status=429) == 0
    # Which answers carry the headers: on a sandbox of its own, so that these requests take nothing from
    # the client's window above.
    with (
        SandboxServer(config.with_changes(rate_limit=None)) as sandbox,
        httpx.Client(base_url=f"{sandbox.base_url}/api/v2", auth=(sandbox.api_key, "")) as api,
    ):
        listed = api.get("/assay-run-schemas")
        one = api.get(f"/assay-run-schemas/{listed.json()['assayRunSchemas'][0]['id']}")
    assert listed.status_code == one.status_code == 200
    assert "x-rate-limit-remaining" in listed.headers
    assert ("x-rate-limit-remaining" in one.headers) is (headers == "every_response")
