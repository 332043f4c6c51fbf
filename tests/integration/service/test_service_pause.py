"""Pause instead of quarantine, against the sandbox over real HTTP, with the service in a thread (so its
``paused_reason`` can be read): a key Benchling refuses, a mapping naming a field the tenant lacks and a
Benchling that is not there at all each leave the dropped files where they are, nothing quarantined;
once fixed, the service resumes by itself and ingests each file exactly once.

The pipeline and the preflight are the real ones (``open_pipeline``, ``preflight``, ``PauseRecheck``);
only the waits are short (pause backoff 0.2 s, settle 0.3 s). Waiting is polling with a deadline.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from integration.service.conftest import sandbox_config
from integration.service.service_rig import SCHEMAS_MAP, samples, wait_until, write_lc_export
from integration.service.service_thread import service_in_thread

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.filing import FilingOptions
from ingest.ledger import FileRecord
from ingest.operations.doctor_context import WatchedFolders
from ingest.operations.preflight import preflight
from ingest.pipeline import IngestService, Pipeline
from ingest.sandbox import FaultSpec, SandboxServer
from ingest.settings import Settings, load_settings

TIMEOUT = 60.0


@dataclass
class Scenario:
    base: Path
    settings: Settings

    @property
    def inbox(self) -> Path:
        return self.base / "inbox"

    @property
    def archive(self) -> Path:
        return self.base / "archive"

    @property
    def failed(self) -> Path:
        return self.base / "failed"

    @property
    def folders(self) -> WatchedFolders:
        return WatchedFolders((self.inbox,), self.archive, self.failed)

    def quarantined(self) -> list[Path]:
        return sorted(self.failed.rglob("*")) if self.failed.exists() else []


def scenario(base: Path, url: str, api_key: str, map_path: Path = SCHEMAS_MAP) -> Scenario:
    client = ClientSettings(url, ApiKey(api_key), RateLimit(1000, 1.0))
    settings = load_settings({}, map_path=map_path, home=base / "state", client=client)
    (base / "inbox").mkdir(parents=True)
    return Scenario(base, settings)


@contextmanager
def running(scene: Scenario, *, start_paused: str | None = None) -> Iterator[tuple[IngestService, Pipeline]]:
    filing = FilingOptions(scene.archive, scene.failed)
    with service_in_thread(scene.settings, scene.inbox, filing, start_paused=start_paused) as service:
        yield service, service.pipeline


def rows(pipeline: Pipeline) -> list[FileRecord]:
    ledger = pipeline.ledger
    return [r for state in ("discovered", "planned", "done", "failed") for r in ledger.in_state(state)]


def drop_two(inbox: Path, tag: str) -> list[Path]:
    return [write_lc_export(inbox, f"{tag}-{n}", samples(n, n + 1), tag=f"-{tag}-{n}")[0] for n in (1, 2)]


def assert_paused_and_untouched(
    scene: Scenario, service: IngestService, pipeline: Pipeline, files: list[Path]
) -> None:
    """Both files recorded and left where they were; nothing failed or quarantined."""
    wait_until(
        lambda: len(rows(pipeline)) == 2 and service.paused_reason is not None,
        timeout=TIMEOUT,
        what="both files recorded while paused",
        context=lambda: f"rows: {rows(pipeline)}\npaused: {service.paused_reason}",
    )
    assert all(f.exists() for f in files), "a paused file was moved"
    assert scene.quarantined() == []
    assert [r.state for r in rows(pipeline)] == ["discovered", "discovered"]


def assert_ingested_once(
    scene: Scenario, service: IngestService, pipeline: Pipeline, sandbox: SandboxServer, files: list[Path]
) -> None:
    wait_until(
        lambda: [r.state for r in rows(pipeline)] == ["done", "done"] and not any(f.exists() for f in files),
        timeout=TIMEOUT,
        what="both files ingested and archived after the fix",
        context=lambda: (
            f"rows: {[(r.path.name, r.state, r.last_error) for r in rows(pipeline)]}\n"
            f"paused: {service.paused_reason}"
        ),
    )
    assert service.paused_reason is None
    assert scene.quarantined() == []
    runs = sandbox.store.runs()
    assert len(runs) == 2, "each file became exactly one run"
    assert {r.run_id for r in rows(pipeline)} == {run["id"] for run in runs}


def test_a_refused_key_pauses_without_quarantine_and_resumes_once_benchling_accepts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with SandboxServer(sandbox_config()) as sandbox:
        scene = scenario(tmp_path, sandbox.base_url, "key-not-yet-granted")
        start = preflight(scene.settings, scene.folders)
        assert start.fatal == []
        assert start.pause_reason is not None and "refused the credentials (401)" in start.pause_reason
        assert "key-not-yet-granted" not in start.pause_reason

        # Started unpaused: the first file's own requests meet the refusal and pause the service.
        with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as (service, pipeline):
            files = drop_two(scene.inbox, "key")
            assert_paused_and_untouched(scene, service, pipeline, files)
            assert "refused the credentials" in str(service.paused_reason)
            paused_lines = [r for r in caplog.records if r.getMessage().startswith("Ingestion paused")]
            assert len(paused_lines) == 1, "the pause is logged once"
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "nothing was failed"

            sandbox.set_api_keys(sandbox.api_key, "key-not-yet-granted")
            assert_ingested_once(scene, service, pipeline, sandbox, files)
        assert "Ingestion resumed" in caplog.text


def test_a_mapping_naming_a_field_the_tenant_lacks_pauses_until_the_file_is_fixed(tmp_path: Path) -> None:
    map_path = tmp_path / "maps" / "schemas_map.yaml"
    map_path.parent.mkdir()
    good = SCHEMAS_MAP.read_text(encoding="utf-8")
    field = "        operator: {metadata: operator}\n"
    assert field in good
    map_path.write_text(good.replace(field, "        operater: {metadata: operator}\n", 1), encoding="utf-8")
    with SandboxServer(sandbox_config()) as sandbox:
        scene = scenario(tmp_path / "scene", sandbox.base_url, sandbox.api_key, map_path)
        start = preflight(scene.settings, scene.folders)
        assert start.fatal == [] and start.pause_reason is not None and "operater" in start.pause_reason

        with running(scene) as (service, pipeline):
            files = drop_two(scene.inbox, "map")
            assert_paused_and_untouched(scene, service, pipeline, files)
            assert "does not fit the tenant" in str(service.paused_reason)
            assert "operater" in str(service.paused_reason)

            map_path.write_text(good, encoding="utf-8")
            assert_ingested_once(scene, service, pipeline, sandbox, files)


def test_an_unreachable_benchling_is_reported_at_start_and_ingestion_resumes_when_it_answers(
    tmp_path: Path,
) -> None:
    placeholder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    placeholder.bind(("127.0.0.1", 0))  # bound, not listening: connections to it are refused
    port = int(placeholder.getsockname()[1])
    try:
        scene = scenario(tmp_path, f"http://127.0.0.1:{port}", "sandbox-api-key")
        start = preflight(scene.settings, scene.folders)
        assert start.fatal == []
        checked = {r.name: r.status for r in start.results}
        assert (checked["reachability"], checked["credentials"], checked["mapping"]) == (
            "fail",
            "skip",
            "skip",
        )
        reason = start.pause_reason
        assert (
            reason is not None and f"http://127.0.0.1:{port}" in reason and "could not be reached" in reason
        )

        with running(scene, start_paused=reason) as (service, pipeline):
            files = drop_two(scene.inbox, "down")
            assert_paused_and_untouched(scene, service, pipeline, files)
            assert "could not be reached" in str(service.paused_reason)
            placeholder.close()
            with SandboxServer(sandbox_config(), port=port) as sandbox:
                assert_ingested_once(scene, service, pipeline, sandbox, files)
    finally:
        placeholder.close()


def test_a_maintenance_window_at_start_is_a_reason_to_pause_not_to_wait_hours(tmp_path: Path) -> None:
    """The client waits out a 503 for hours while ingesting; the start checks do not wait at all."""
    with SandboxServer(sandbox_config().with_changes(faults=FaultSpec(maintenance_seconds=3600))) as sandbox:
        scene = scenario(tmp_path, sandbox.base_url, sandbox.api_key)
        start = preflight(scene.settings, scene.folders)
        assert sandbox.request_log.count(path="/api/v2/projects") == 1
    assert start.fatal == []
    assert start.pause_reason is not None and "(503)" in start.pause_reason
