"""A kill between recording a file's end state and moving it: the next start completes the move."""

from __future__ import annotations

import json
from pathlib import Path

from integration.pipeline.conftest import MakePipeline

from ingest.sandbox import SandboxServer
from ingest.watch import describe_path


def test_an_interrupted_quarantine_is_completed_on_the_next_start(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    bad = inbox / "lc" / "bad.csv"
    bad.write_text("Sample ID,RT (min),Area\nSMP-999,1.0,2\n", encoding="utf-8")
    ledger = tmp_path / "ledger.sqlite"
    # A kill between saving 'failed' and moving the file: the row is failed, the move not recorded,
    # and the file already sits where quarantine puts it (the move itself happened).
    first = make_pipeline(archive=False, ledger=ledger).ingest(describe_path(bad), root=inbox)
    assert first.kind == "failed" and first.record.final_path is None
    (tmp_path / "failed" / "lc").mkdir(parents=True)
    bad.rename(tmp_path / "failed" / "lc" / "bad.csv")

    restarted = make_pipeline(ledger=ledger)
    assert restarted.finish_filing() == 1
    record = restarted.ledger.get(first.record.id)
    assert record.final_path == tmp_path / "failed" / "lc" / "bad.csv"
    report = json.loads((tmp_path / "failed" / "lc" / "bad.csv.error.json").read_text(encoding="utf-8"))
    assert "SMP-999" in report["reason"]
    assert restarted.finish_filing() == 0
