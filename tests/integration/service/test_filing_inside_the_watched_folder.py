"""An operator's mistake: ``--archive`` and ``--failed`` inside the watched folder. What is filed there must
not be found again (before, each archived file was taken as a new file, found to be a duplicate and
archived into the archive inside the archive, without end). The service as ``watch`` makes it
(``watch_service``), against the sandbox over real HTTP."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from integration.service.conftest import sandbox_config
from integration.service.service_rig import SCHEMAS_MAP, samples, wait_until, write_lc_export

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.filing import FilingOptions
from ingest.ledger import STATES, FileRecord
from ingest.pipeline import Pipeline
from ingest.pipeline.factory import open_pipeline, watch_service
from ingest.sandbox import SandboxServer
from ingest.settings import load_settings
from ingest.watch import DEFAULT_EXCLUDES, WatchOptions


def rows(pipeline: Pipeline) -> list[FileRecord]:
    return pipeline.ledger.in_state(*STATES)


def test_an_archive_and_quarantine_inside_the_watched_folder_are_not_watched(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    archive, failed = inbox / "archive", inbox / "failed"
    with SandboxServer(sandbox_config()) as sandbox:
        client = ClientSettings(sandbox.base_url, ApiKey(sandbox.api_key), RateLimit(1000, 1.0))
        settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path / "state", client=client)
        with open_pipeline(settings, filing_options=FilingOptions(archive, failed)) as pipeline:
            options = WatchOptions(
                settle_seconds=0.2, rescan_seconds=0.3, exclude=(*DEFAULT_EXCLUDES, "*_trace.csv")
            )
            service = watch_service(pipeline, [inbox], options, workers=2)
            thread = threading.Thread(target=service.run, name="ingest-service")
            thread.start()
            try:
                files = [write_lc_export(inbox, f"in-{n}", samples(n))[0] for n in (1, 2)]
                (inbox / "broken.csv").write_text("not an export at all\n", encoding="utf-8")
                wait_until(
                    lambda: (
                        not any(f.exists() for f in [*files, inbox / "broken.csv"])
                        and {r.state for r in rows(pipeline)} <= {"done", "attachment", "failed"}
                    ),
                    timeout=60,
                    what="every file filed",
                    context=lambda: str([(r.path, r.state) for r in rows(pipeline)]),
                )
                filed = len(rows(pipeline))
                # Several more scans (0.3 s apart), each of which would find what was filed inside.
                since = time.time() + 1.5
                wait_until(
                    lambda: (service.watcher.folder_scans.all()[0].scanned_at or 0) > since,
                    timeout=60,
                    what="scans after the filing",
                    context=lambda: "",
                )
                final = rows(pipeline)
            finally:
                service.stop()
                thread.join(timeout=30)
    shown = "\n".join(f"{r.path} {r.state} {r.last_error or ''}" for r in final)
    assert len(final) == filed, f"something filed inside the watched folder was taken again:\n{shown}"
    assert not [r for r in final if r.state == "duplicate"], shown
    assert len(sandbox.store.runs()) == 2, shown
    assert not list(archive.rglob("archive")), "nothing was archived into the archive"
    assert [p.name for p in failed.rglob("*.csv")] == ["broken.csv"], shown
