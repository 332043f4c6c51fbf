"""A ledger that served one tenant and then another (``BENCHLING_URL`` swapped, or a ledger copied from
another installation): a file done on one tenant is not "already done" on the other. Two sandboxes over
real HTTP are two tenants (``127.0.0.1`` and ``localhost``: the tenant is the URL's host). Each tenant ends
with every file exactly once, and going back adopts what the first tenant already holds."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from integration.service.conftest import TENANT
from integration.service.service_rig import SCHEMAS_MAP

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.pipeline import Backfill
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from tests.support.corpus import write_corpus


def backfill(
    server: SandboxServer, url: str, state: Path, paths: Sequence[Path], root: Path, *, force: bool = False
) -> list[str]:
    client = ClientSettings(url, ApiKey(server.api_key), RateLimit(1000, 1.0))
    settings = load_settings({}, map_path=SCHEMAS_MAP, home=state, client=client)
    with open_pipeline(settings) as pipeline:
        return [o.kind for o in Backfill(pipeline, batch_files=3).run(list(paths), root=root, force=force)]


def test_files_done_on_one_tenant_are_ingested_on_the_other_and_adopted_on_the_way_back(
    tmp_path: Path,
) -> None:
    folder, state = tmp_path / "archive", tmp_path / "state"
    exports = write_corpus(folder, 4, seed=5)
    paths = [e.csv for e in exports]
    config = SandboxConfig.from_tenant_file(TENANT, rate_limit=None)
    with SandboxServer(config) as first, SandboxServer(config) as second:
        first_url = first.base_url
        second_url = second.base_url.replace("127.0.0.1", "localhost")

        assert backfill(first, first_url, state, paths, folder) == ["done"] * 4
        assert backfill(second, second_url, state, paths, folder) == ["done"] * 4
        assert len(first.store.runs()) == 4 and len(second.store.runs()) == 4
        assert backfill(second, second_url, state, paths, folder) == ["already_done"] * 4

        # Back on the first tenant: its runs are found by their ids and adopted, none made twice.
        assert backfill(first, first_url, state, paths, folder) == ["adopted"] * 4
        assert len(first.store.runs()) == 4
        assert backfill(first, first_url, state, paths, folder) == ["already_done"] * 4

        # The ledger's rows are the first tenant's again. A copy (same content, another name) on the
        # second is no duplicate of a row that went elsewhere: its plan derives the second tenant's ids
        # for that content, so the run the second already holds is adopted, not made again.
        copy = folder / "copy-of-0.csv"
        shutil.copy2(paths[0], copy)
        shutil.copy2(exports[0].trace, folder / exports[0].trace.name.replace(paths[0].stem, copy.stem))
        assert backfill(second, second_url, state, [copy], folder) == ["adopted"]
        assert len(second.store.runs()) == 4


def test_a_forced_file_moved_to_another_tenant_and_back_keeps_its_generation(tmp_path: Path) -> None:
    """Forced on the first tenant (its generation 1), then offered on the second and back: the second
    gets one run of it, and the first adopts its forced run instead of making a generation 2."""
    folder, state = tmp_path / "archive", tmp_path / "state"
    paths = [e.csv for e in write_corpus(folder, 3, seed=6)]
    config = SandboxConfig.from_tenant_file(TENANT, rate_limit=None)
    with SandboxServer(config) as first, SandboxServer(config) as second:
        first_url = first.base_url
        second_url = second.base_url.replace("127.0.0.1", "localhost")
        assert backfill(first, first_url, state, paths, folder) == ["done"] * 3
        assert backfill(first, first_url, state, paths, folder, force=True) == ["done"] * 3
        assert len(first.store.runs()) == 6

        assert backfill(second, second_url, state, paths, folder) == ["done"] * 3
        assert len(second.store.runs()) == 3

        assert backfill(first, first_url, state, paths, folder) == ["adopted"] * 3
        assert len(first.store.runs()) == 6, "the way back made another generation"
        assert backfill(first, first_url, state, paths, folder) == ["already_done"] * 3
