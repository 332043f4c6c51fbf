"""One request budget per process: the start checks, the pipeline and the pause checks each have a client
of their own, and all draw on the budget ``watch`` opens (``process_budget``). Against a sandbox that
counts the tenant's requests on a sliding window, over real HTTP. The pipeline's workers start together
right after the checks; a client with a limiter of its own would not count the checks' requests and
send a whole window's worth at once before any answer (with its rate headers) arrives: over the limit.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from integration.service.conftest import TENANT
from integration.service.service_rig import SCHEMAS_MAP, samples, write_lc_export

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.filing import FilingOptions
from ingest.operations.doctor_context import WatchedFolders
from ingest.operations.mapping_upkeep import kept_in_step, read_mapping
from ingest.operations.preflight import PauseRecheck, preflight
from ingest.pipeline.factory import open_pipeline, process_budget
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.sandbox.config import RateLimit as TenantLimit
from ingest.settings import load_settings
from ingest.watch import describe_path

LIMIT, WINDOW = 10, 2.0


def test_the_checks_and_the_pipeline_draw_on_one_budget_and_stay_within_the_tenant_limit(
    tmp_path: Path,
) -> None:
    config = SandboxConfig.from_tenant_file(TENANT, rate_limit=TenantLimit(LIMIT, WINDOW, sliding=True))
    with SandboxServer(config) as sandbox:
        client = ClientSettings(sandbox.base_url, ApiKey(sandbox.api_key), RateLimit(LIMIT, WINDOW))
        settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path / "state", client=client)
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        folders = WatchedFolders((inbox,), tmp_path / "archive", tmp_path / "failed")
        export, _ = write_lc_export(inbox, "budget", samples(1, 2, 3))

        with process_budget(settings) as budget:
            start = preflight(settings, folders, budget=budget)
            assert start.fatal == [] and start.pause_reason is None
            checks_sent = sandbox.request_log.count()
            assert 0 < checks_sent < LIMIT, "the checks alone fit in the window (else the test shows nothing)"
            filing = FilingOptions(tmp_path / "archive", tmp_path / "failed")
            with open_pipeline(settings, filing_options=filing, budget=budget) as pipeline:
                assert pipeline.client.budget is budget
                # A window's worth of requests at once, from as many threads, as the workers at start.
                with ThreadPoolExecutor(LIMIT) as burst:
                    list(burst.map(lambda _: pipeline.client.list_projects(), range(LIMIT)))
                outcome = pipeline.ingest(describe_path(export), root=inbox)
                assert outcome.kind == "done", outcome
                mapping = kept_in_step(settings, pipeline, read_mapping(settings))
                assert PauseRecheck(settings, pipeline, mapping).reason() is None
        assert sandbox.request_log.count(status=429) == 0, "the process went over the tenant's limit"
        assert len(sandbox.store.runs()) == 1
