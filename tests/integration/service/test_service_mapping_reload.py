"""The mapping file edited while the service runs, against the sandbox over real HTTP, with the service
in a thread as ``watch`` makes it (``read_mapping``, ``kept_in_step``, ``PauseRecheck``): a valid save
applies to the files dropped after it; a broken one, one naming a field the tenant lacks, and a deleted
file keep the mapping in use (files are still ingested with it), are logged once and shown in the
service's snapshot until a later save fixes them; a pause ends under the same rule.

Each file's mapping is judged by what the sandbox stored: the run's ``method`` field. Only the waits are
short (settle 0.2 s, pause backoff 0.2 s); waiting is polling with a deadline. The last test runs the real
``watch --http`` process and reads ``/api/status`` and ``status``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from integration.service.conftest import sandbox_config
from integration.service.service_rig import (
    SCHEMAS_MAP,
    ServiceRig,
    field_value,
    samples,
    wait_until,
    write_lc_export,
)
from integration.service.service_thread import service_in_thread

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.filing import FilingOptions
from ingest.operations.retry import retry_with_lock
from ingest.pipeline import IngestService
from ingest.pipeline.service_snapshot import SnapshotPublisher
from ingest.sandbox import SandboxServer
from ingest.settings import Settings, load_settings

TIMEOUT = 60.0
ORIGINAL = SCHEMAS_MAP.read_text(encoding="utf-8")
METHOD = "        method: {metadata: method}\n"
OPERATOR = "        operator: {metadata: operator}\n"
assert METHOD in ORIGINAL and OPERATOR in ORIGINAL


def edited(method: str) -> str:
    """The mapping with the LC runs' ``method`` set to a constant."""
    return ORIGINAL.replace(METHOD, f"        method: {{value: {method}}}\n", 1)


#: Saves the service must refuse, and what the refusal says.
INVALID = {
    "broken-yaml": (ORIGINAL + "\n  - parser: [unclosed\n", "is not valid YAML"),
    "unknown-key": (
        ORIGINAL.replace("      note_field: notes\n", "      note_feild: notes\n", 1),
        "unknown key",
    ),
    "field-the-tenant-lacks": (
        ORIGINAL.replace(OPERATOR, "        operatorr: {metadata: operator}\n", 1),
        "operatorr",
    ),
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Scene:
    base: Path
    map_path: Path
    settings: Settings
    sandbox: SandboxServer
    dropped: int = 0

    @property
    def inbox(self) -> Path:
        return self.base / "inbox"

    @property
    def failed(self) -> Path:
        return self.base / "failed"

    def save(self, text: str) -> None:
        self.map_path.write_text(text, encoding="utf-8")

    def drop(self) -> Path:
        self.dropped += 1
        n = self.dropped
        return write_lc_export(self.inbox, f"run-{n}", samples(n, n + 1), tag=f"-{n}")[0]

    def quarantined(self) -> list[Path]:
        return sorted(self.failed.rglob("*")) if self.failed.exists() else []

    def method_of(self, export: Path, service: IngestService) -> Any:
        """The ``method`` of the run made of ``export`` (once it is done)."""

        def done() -> bool:
            row = service.pipeline.ledger.latest_at_path(export)
            return row is not None and row.state == "done" and not export.exists()

        wait_until(
            done,
            timeout=TIMEOUT,
            what=f"{export.name} ingested",
            context=lambda: (
                f"paused: {service.paused_reason}; mapping: {service.mapping and service.mapping.status}"
            ),
        )
        row = service.pipeline.ledger.latest_at_path(export)
        assert row is not None
        (run,) = [r for r in self.sandbox.store.runs() if r["id"] == row.run_id]
        return field_value(run, "method")


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    map_path = tmp_path / "maps" / "schemas_map.yaml"
    map_path.parent.mkdir()
    map_path.write_text(ORIGINAL, encoding="utf-8")
    with SandboxServer(sandbox_config()) as sandbox:
        client = ClientSettings(sandbox.base_url, ApiKey(sandbox.api_key), RateLimit(1000, 1.0))
        settings = load_settings({}, map_path=map_path, home=tmp_path / "state", client=client)
        (tmp_path / "inbox").mkdir()
        yield Scene(tmp_path, map_path, settings, sandbox)


def running(
    scene: Scene, *, start_paused: str | None = None, look_every: float = 0.05
) -> contextlib.AbstractContextManager[IngestService]:
    filing = FilingOptions(scene.base / "archive", scene.failed)
    return service_in_thread(
        scene.settings, scene.inbox, filing, start_paused=start_paused, look_every=look_every
    )


def shown(service: IngestService) -> dict[str, Any]:
    """The mapping as the status page, ``/api/status`` and ``status`` get it: the service's snapshot."""
    mapping = SnapshotPublisher(service).refresh(publish=False)["mapping"]
    assert isinstance(mapping, dict)
    return mapping


def wait_shown(service: IngestService, what: str, condition: Any) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    def holds() -> bool:
        found[:] = [shown(service)]
        return bool(condition(found[0]))

    wait_until(holds, timeout=TIMEOUT, what=what, context=lambda: f"snapshot mapping: {found}")
    return found[0]


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The service's errors (watchdog's own, at stop, are not about the mapping)."""
    return [
        r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("ingest")
    ]


def test_a_valid_edit_applies_to_the_files_dropped_after_it(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        before = wait_shown(service, "the start mapping shown", lambda m: m["sha256"] == sha(ORIGINAL)[:12])
        assert before["path"] == str(scene.map_path) and before["problem"] is None
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-1"

        scene.save(edited("EDITED-METHOD"))
        after = wait_shown(
            service, "the edited mapping in use", lambda m: m["sha256"] == sha(edited("EDITED-METHOD"))[:12]
        )
        assert after["problem"] is None and after["loaded_at"] > before["loaded_at"]
        assert scene.method_of(scene.drop(), service) == "EDITED-METHOD"
    reloads = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Mapping reloaded from")]
    assert reloads == [
        f"Mapping reloaded from {scene.map_path} (sha256 {after['sha256']}): files planned from now on "
        "use it."
    ]
    assert errors(caplog) == [] and scene.quarantined() == []


def test_a_file_dropped_right_after_a_save_is_planned_with_it(scene: Scene) -> None:
    """The file is dropped at once, while the service would not look at the mapping for a minute on its
    own: new files in hand make it look, and wait for the save to settle."""
    with running(scene, look_every=60.0) as service:
        scene.save(edited("EDITED-METHOD"))
        assert scene.method_of(scene.drop(), service) == "EDITED-METHOD"


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_edit_keeps_the_mapping_in_use_is_said_once_and_shown_until_fixed(
    scene: Scene, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    text, said = INVALID[case]
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        scene.save(text)
        problem = wait_shown(service, "the mapping problem shown", lambda m: m["problem"] is not None)
        assert said in problem["problem"] and problem["sha256"] == sha(ORIGINAL)[:12]
        # Files keep being ingested, with the mapping in use; the file is not re-read into a flood.
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-1"
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-2"
        assert service.paused_reason is None and scene.quarantined() == []
        logged = errors(caplog)
        assert len(logged) == 1 and said in logged[0] and str(scene.map_path) in logged[0], logged

        scene.save(edited("FIXED-METHOD"))
        fixed = wait_shown(service, "the fix in use", lambda m: m["problem"] is None)
        assert fixed["sha256"] == sha(edited("FIXED-METHOD"))[:12]
        assert scene.method_of(scene.drop(), service) == "FIXED-METHOD"


def test_a_deleted_mapping_file_keeps_the_mapping_in_use_until_it_is_restored(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        scene.map_path.unlink()
        problem = wait_shown(service, "the deletion shown", lambda m: m["problem"] is not None)
        assert problem["problem"] == f"The mapping file '{scene.map_path}' was deleted."
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-1"
        warnings = [r.getMessage() for r in caplog.records if "was deleted" in r.getMessage()]
        assert len(warnings) == 1 and caplog.records[-1].levelno <= logging.WARNING

        scene.save(ORIGINAL)
        wait_shown(service, "the problem gone", lambda m: m["problem"] is None)
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-2"
    assert errors(caplog) == [] and scene.quarantined() == []


def test_a_pause_ends_under_the_same_rule_a_bad_save_meanwhile_keeps_the_mapping_in_use(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    """Paused for refused credentials, the mapping file is saved with a field the tenant lacks. When
    Benchling accepts the key again the save is checked (and refused, said once); the mapping in use fits,
    so ingestion resumes with it: the file's state when the pause ended decides nothing by itself."""
    text, said = INVALID["field-the-tenant-lacks"]
    scene.sandbox.set_api_keys("key-granted-later")
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        waiting = scene.drop()
        wait_until(lambda: service.paused_reason is not None, timeout=TIMEOUT, what="the pause")
        scene.save(text)
        wait_shown(service, "the save waiting for Benchling", lambda m: m["problem"] is not None)
        assert service.paused_reason is not None

        scene.sandbox.set_api_keys(scene.sandbox.api_key)
        assert scene.method_of(waiting, service) == "CAFF_ISO_10MIN-1"
        after = wait_shown(service, "the refusal shown", lambda m: said in str(m["problem"]))
        assert after["sha256"] == sha(ORIGINAL)[:12]
        assert service.paused_reason is None and scene.quarantined() == []
    refusals = [m for m in errors(caplog) if said in m]
    assert len(refusals) == 1, errors(caplog)


def test_a_real_watch_shows_the_mapping_and_a_broken_save_on_its_page_api_and_in_status(
    tmp_path: Path,
) -> None:
    """``watch --http`` as a process: ``/api/status`` and ``status`` (another process, reading the
    snapshot the service publishes in the ledger) show the mapping in use and the problem with its file."""
    map_path = tmp_path / "maps" / "schemas_map.yaml"
    map_path.parent.mkdir()
    map_path.write_text(ORIGINAL, encoding="utf-8")
    text, said = INVALID["broken-yaml"]
    with SandboxServer(sandbox_config()) as sandbox:
        rig = ServiceRig(sandbox, tmp_path / "scene", map_path=map_path)
        with rig.start_watch("--http", "127.0.0.1:0") as watch:
            found: list[str] = []

            def address_logged() -> bool:
                found[:] = re.findall(r"Status page at (http://127\.0\.0\.1:\d+)", watch.log())
                return bool(found)

            watch.wait_for(address_logged, "the status page's address in the log", timeout=120)

            def api_mapping() -> dict[str, Any]:
                with urllib.request.urlopen(f"{found[0]}/api/status", timeout=60) as response:
                    mapping = json.loads(response.read())["mapping"]
                assert isinstance(mapping, dict)
                return mapping

            watch.wait_for(
                lambda: api_mapping()["sha256"] == sha(ORIGINAL)[:12], "the mapping on /api/status"
            )
            assert api_mapping()["path"] == str(map_path) and api_mapping()["problem"] is None

            map_path.write_text(text, encoding="utf-8")
            watch.wait_for(lambda: said in str(api_mapping()["problem"]), "the problem on /api/status")
            assert api_mapping()["sha256"] == sha(ORIGINAL)[:12]

            def status_mapping() -> Any:
                report = json.loads(rig.run_cli("status", "--json", "--ledger", rig.ledger_path).stdout)
                running = report["service"]["running"]
                return running[0]["mapping"] if running else None

            watch.wait_for(
                lambda: said in str((status_mapping() or {}).get("problem")), "the problem in status"
            )
            printed = rig.run_cli("status", "--ledger", rig.ledger_path).stdout
            assert f"sha256 {sha(ORIGINAL)[:12]}" in printed and "Mapping file problem" in printed
            assert watch.stop() == 0
        assert watch.log().count(said) == 1, watch.log()


def without_the_lc_mapping() -> str:
    start = ORIGINAL.index("  # The LC results CSV")
    end = ORIGINAL.index("  - parser: shimadzu_labsolutions_ascii")
    return ORIGINAL[:start] + ORIGINAL[end:]


def test_a_mapping_added_while_watch_runs_is_used_and_retry_ingests_the_files_it_lacked(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    """Files quarantined for 'No mapping for parser'; the mapping is added (no reading hint changes, so no
    restart is asked for); ``retry --all`` puts them back and the running service ingests them."""
    scene.save(without_the_lc_mapping())
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        exports = [scene.drop(), scene.drop()]
        wait_until(
            lambda: len([p for p in scene.quarantined() if p.suffix == ".csv" and "run-" in p.name]) == 2,
            timeout=TIMEOUT,
            what="both exports quarantined",
        )
        reports = [p for p in scene.quarantined() if p.name.endswith(".error.json")]
        assert reports and all("No mapping for parser" in p.read_text(encoding="utf-8") for p in reports)

        scene.save(ORIGINAL)
        added = wait_shown(service, "the added mapping in use", lambda m: m["sha256"] == sha(ORIGINAL)[:12])
        assert added["problem"] is None
        restored = retry_with_lock(scene.settings, scene.failed, everything=True).restored
        assert {r.restored_to for r in restored} >= set(exports)
        assert [scene.method_of(e, service) for e in exports] == ["CAFF_ISO_10MIN-1", "CAFF_ISO_10MIN-2"]
    assert not [m for m in errors(caplog) if "restart" in m], errors(caplog)


def test_a_reading_hint_changed_while_watch_runs_still_asks_for_a_restart(
    scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    lc = "  - parser: lc_results_csv\n"
    hinted = ORIGINAL.replace(lc, f"{lc}    decimal: comma\n")
    assert hinted != ORIGINAL
    with caplog.at_level(logging.INFO, logger="ingest"), running(scene) as service:
        scene.save(hinted)
        problem = wait_shown(service, "the refusal shown", lambda m: m["problem"] is not None)
        assert "reading hints" in problem["problem"] and "restart" in problem["problem"]
        assert "'lc_results_csv'" in problem["problem"] and problem["sha256"] == sha(ORIGINAL)[:12]
        assert scene.method_of(scene.drop(), service) == "CAFF_ISO_10MIN-1"
