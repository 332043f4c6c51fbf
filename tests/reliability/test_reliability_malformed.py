"""A generated corpus of malformed inputs mixed with good files: every good file is ingested exactly once,
every bad file is quarantined with its own specific reason in ``<name>.error.json``, nothing is deleted."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from reliability.harness import assert_each_once, open_test_pipeline

from ingest.filing import FilingOptions
from ingest.sandbox import SandboxServer
from ingest.watch import describe_path
from tests.support.corpus import TRACE_SUFFIX, write_corpus, write_malformed

GOOD = 20


def contents(*folders: Path) -> Counter[tuple[str, str]]:
    """(name, sha256) of every file under ``folders``, our own error reports left out."""
    found: Counter[tuple[str, str]] = Counter()
    for folder in folders:
        for path in folder.rglob("*") if folder.exists() else ():
            if path.is_file() and not path.name.endswith(".error.json"):
                found[(path.name, hashlib.sha256(path.read_bytes()).hexdigest())] += 1
    return found


def test_bad_files_are_quarantined_with_their_reason_and_good_ones_ingested_once(
    tmp_path: Path, sandbox: SandboxServer, map_without_png: Path
) -> None:
    inbox, archive, failed = tmp_path / "inbox", tmp_path / "archive", tmp_path / "failed"
    bad = write_malformed(inbox)
    good = write_corpus(inbox, GOOD, seed=5)
    assert len(bad) >= 30
    assert len({b.kind for b in bad}) >= 15, "the corpus should cover many different kinds of damage"
    before = contents(inbox)
    exports = sorted(p for p in inbox.iterdir() if not p.name.endswith(TRACE_SUFFIX))

    with open_test_pipeline(
        sandbox, tmp_path / "state", map_without_png, filing=FilingOptions(archive, failed)
    ) as pipeline:
        outcomes = {path.name: pipeline.ingest(describe_path(path), root=inbox) for path in exports}

    assert_each_once(sandbox, good)
    assert all(outcomes[g.csv.name].kind == "done" for g in good)
    wrong_reason = {}
    for item in bad:
        outcome = outcomes[item.path.name]
        assert outcome.kind == "failed", (
            f"{item.path.name} ({item.kind}) was {outcome.kind}: {outcome.message}"
        )
        quarantined = failed / item.path.name
        assert quarantined.is_file() and not item.path.exists(), f"{item.path.name} was not quarantined"
        report = json.loads((failed / f"{item.path.name}.error.json").read_text(encoding="utf-8"))
        reason = str(report["reason"]).lower()
        # A broken trace file's reason names the trace file (in reason_words), not the export naming it.
        names_file = item.path.name.lower() in reason or "trace" in item.kind
        if not all(word in reason for word in item.reason_words) or not names_file:
            wrong_reason[item.path.name] = (item.reason_words, report["reason"])
        assert report["file"] == item.path.name and report["sha256"]
    assert not wrong_reason, f"reports without their specific reason: {json.dumps(wrong_reason, indent=1)}"
    assert contents(inbox, archive, failed) == before, "a file was lost or changed"
