"""The demo: the whole path against a local sandbox, no network, no credentials.

The sandbox runs on 127.0.0.1 seeded with the demo tenant; the demo exports are copied into a fresh
drop folder and every export found there is ingested (successes archived, failures quarantined); then
the archived exports are offered again to show that nothing is created twice.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.filing import FilingOptions
from ingest.pipeline import Outcome
from ingest.pipeline.factory import open_pipeline
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from ingest.watch import list_exports


@dataclass
class DemoReport:
    work: Path
    exports: list[Path] = field(default_factory=list)
    first_pass: list[Outcome] = field(default_factory=list)
    second_pass: list[Outcome] = field(default_factory=list)
    first_pass_requests: int = 0
    second_pass_requests: int = 0
    runs: int = 0
    results: int = 0
    blobs: int = 0

    @property
    def inbox(self) -> Path:
        return self.work / "inbox"

    @property
    def archive(self) -> Path:
        return self.work / "archive"


@contextmanager
def demo_sandbox(tenant: Path, *, port: int = 0) -> Iterator[SandboxServer]:
    """The sandbox on 127.0.0.1 (any free port when 0), seeded with ``tenant``."""
    with SandboxServer(SandboxConfig.from_tenant_file(tenant), port=port) as server:
        yield server


def run_demo(
    server: SandboxServer,
    *,
    samples: Path,
    map_path: Path,
    work: Path,
    on_outcome: Callable[[Outcome, Path], None] = lambda outcome, root: None,
    on_second_pass: Callable[[], None] = lambda: None,
) -> DemoReport:
    """Ingest every export of ``samples`` (copied to ``work/inbox``), then offer the archived ones again.

    ``on_outcome(outcome, root)`` is called as each file is done, with the folder it was found in;
    ``on_second_pass()`` before the archived exports are offered again.
    """
    # Absolute: the ledger records absolute paths, and filing compares them with the folder's.
    report = DemoReport(work.absolute())
    shutil.copytree(samples, report.inbox, dirs_exist_ok=True)
    client_settings = ClientSettings(server.base_url, ApiKey(server.api_key), RateLimit(60, 30.0))
    settings = load_settings({}, map_path=map_path, home=work / "state", client=client_settings)
    filing_options = FilingOptions(report.archive, work / "failed")
    with open_pipeline(settings, filing_options=filing_options) as pipeline:
        found = list_exports(report.inbox, unit_suffixes=pipeline.unit_suffixes, is_export=pipeline.claims)
        report.exports = [c.path for c in found]
        for path in report.exports:
            outcome = pipeline.ingest_path(path, root=report.inbox)
            report.first_pass.append(outcome)
            on_outcome(outcome, report.inbox)
        report.first_pass_requests = pipeline.client_stats.total_requests
        on_second_pass()
        for path in _archived(report.first_pass):
            outcome = pipeline.ingest_path(path)
            report.second_pass.append(outcome)
            on_outcome(outcome, report.archive)
        report.second_pass_requests = pipeline.client_stats.total_requests - report.first_pass_requests
    store = server.store
    report.runs, report.results, report.blobs = len(store.runs()), len(store.results()), len(store.blobs())
    return report


def _archived(outcomes: list[Outcome]) -> list[Path]:
    return [
        o.record.final_path
        for o in outcomes
        if o.kind in ("done", "adopted") and o.record.final_path is not None
    ]
