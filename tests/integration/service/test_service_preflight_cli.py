"""The start of the real ``benchling-ingest watch`` (a subprocess) against the sandbox on 127.0.0.1: a key
Benchling refuses starts it paused (files stay, nothing quarantined) and it resumes once the key is
accepted; a drop folder that does not exist stops it at once with exit code 2."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

from integration.service.service_rig import ServiceRig, samples, write_lc_export

from ingest.sandbox import SandboxServer

LATE_KEY = "key-granted-later"


@dataclass
class LateKeyRig(ServiceRig):
    """The scenario with an API key the sandbox does not accept until told to."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "BENCHLING_API_KEY": LATE_KEY}


def test_watch_with_a_refused_key_starts_paused_and_resumes_once_the_key_is_accepted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    rig = LateKeyRig(sandbox, tmp_path)
    with rig.start_watch() as watch:
        watch.wait_for(lambda: "Ingestion paused" in watch.log(), "the pause to be logged")
        exports = [write_lc_export(rig.inbox, f"held-{n}", samples(n), tag=f"-held-{n}")[0] for n in (1, 2)]
        watch.wait_for(
            lambda: [r.state for r in rig.rows()] == ["discovered", "discovered"], "both files recorded"
        )
        log = watch.log()
        assert "fail credentials: Benchling refused the credentials (401)" in log
        assert log.count("Ingestion paused") == 1
        assert LATE_KEY not in log
        assert all(e.exists() for e in exports) and not rig.failed.exists()
        assert sandbox.store.runs() == []

        sandbox.set_api_keys(sandbox.api_key, LATE_KEY)
        watch.wait_settled(2, timeout=60)
        assert watch.stop(signal.SIGTERM) == 0
    assert [r.state for r in rig.rows()] == ["done", "done"]
    assert len(sandbox.store.runs()) == 2
    assert not any(e.exists() for e in exports) and not rig.failed.exists()
    assert "Ingestion resumed" in watch.log()


def test_watch_on_a_folder_that_does_not_exist_stops_at_once_with_exit_code_2(rig: ServiceRig) -> None:
    missing = rig.base / "inbx"
    result = rig.run_cli(
        "watch", missing, "--archive", rig.archive, "--failed", rig.failed, "--ledger", rig.ledger_path
    )
    assert result.returncode == 2, result.stderr
    assert f"fail folders: '{missing}' does not exist" in result.stderr
    assert "Error: cannot start" in result.stderr
    assert not rig.ledger_path.exists(), "nothing was opened"
