"""``--log-file``: JSON lines with each outcome's fields, rotated by size, secrets redacted; each failed
file is logged once."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.commands.logs import LogFile, configure_logging
from ingest.pipeline import log_outcome
from tests.support.inprocess_pipeline import inprocess_pipeline, inprocess_sandbox

BROKEN = "Sample ID,RT (min),Area\nSMP-001,not a time,1052\n"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_outcomes_are_json_lines_with_their_fields_and_each_failure_once(
    tmp_path: Path, restore_logging: None
) -> None:
    log_file = tmp_path / "logs" / "ingest.log"
    configure_logging(json_lines=False, secrets=["s3cret-key-value"], log_file=LogFile(log_file))
    export = tmp_path / "inbox" / "bad.csv"
    export.parent.mkdir()
    export.write_text(BROKEN, encoding="utf-8")
    with inprocess_sandbox() as sandbox, inprocess_pipeline(sandbox, tmp_path) as pipeline:
        outcome = pipeline.ingest_path(export, root=export.parent)
        log_outcome(outcome, duration_s=0.25, requests=3)
    logging.getLogger("ingest.test").warning("token s3cret-key-value leaked?")
    for handler in logging.getLogger().handlers:
        handler.flush()
    records = lines(log_file)
    naming = [r for r in records if "bad.csv" in str(r.get("message"))]
    assert len(naming) == 1, f"the failure is logged once: {naming}"
    failed = naming[0]
    assert failed["level"] == "error" and failed["outcome"] == "failed" and failed["state"] == "failed"
    assert failed["file"] == str(export)
    assert failed["sha256"] == outcome.record.sha256 and len(str(failed["sha256"])) == 64
    assert failed["duration_s"] == 0.25 and failed["requests"] == 3 and failed["run_id"] is None
    assert records[-1]["message"] == "token [REDACTED] leaked?"
    assert "s3cret-key-value" not in log_file.read_text(encoding="utf-8")


def test_the_file_rotates_at_its_size_keeping_the_given_count(tmp_path: Path, restore_logging: None) -> None:
    log_file = tmp_path / "ingest.log"
    configure_logging(json_lines=True, secrets=[], log_file=LogFile(log_file, max_bytes=2048, backups=2))
    log = logging.getLogger("ingest.test")
    for number in range(200):
        log.info("line %d %s", number, "x" * 40)
    for handler in logging.getLogger().handlers:
        handler.flush()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["ingest.log", "ingest.log.1", "ingest.log.2"]
    assert all(p.stat().st_size <= 2048 for p in tmp_path.iterdir())
    assert lines(log_file)[-1]["message"].endswith("x" * 40)  # type: ignore[union-attr]
    assert lines(log_file)[-1]["message"].startswith("line 199")  # type: ignore[union-attr]


def test_a_second_configuration_replaces_the_file_handler(tmp_path: Path, restore_logging: None) -> None:
    configure_logging(json_lines=False, secrets=[], log_file=LogFile(tmp_path / "one.log"))
    configure_logging(json_lines=False, secrets=[], log_file=LogFile(tmp_path / "two.log"))
    logging.getLogger("ingest.test").info("only in two")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "only in two" not in (tmp_path / "one.log").read_text(encoding="utf-8")
    assert lines(tmp_path / "two.log")[-1]["message"] == "only in two"
