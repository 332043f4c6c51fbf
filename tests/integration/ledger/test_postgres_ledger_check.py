"""``doctor``'s ledger check (also run at the start of ``watch``) on a PostgreSQL ledger: a server that
answers passes; one that does not fails, naming the URL without its password."""

from __future__ import annotations

import socket
from pathlib import Path

from ingest.operations.doctor_context import DoctorContext
from ingest.operations.doctor_local_checks import check_ledger
from ingest.settings import load_settings
from tests.support.paths import SCHEMAS_MAP


def ledger_check(dsn: str, tmp_path: Path) -> tuple[str, str]:
    settings = load_settings({}, map_path=SCHEMAS_MAP, home=tmp_path, ledger_path=dsn)
    result = check_ledger(DoctorContext(settings, None, None))
    return result.status, result.summary


def test_a_postgresql_ledger_that_answers_passes(postgres_dsn: str, tmp_path: Path) -> None:
    status, summary = ledger_check(postgres_dsn, tmp_path)
    assert status == "ok", summary
    assert "answers" in summary


def test_a_postgresql_ledger_that_does_not_answer_fails_without_its_password(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as placeholder:
        placeholder.bind(("127.0.0.1", 0))  # bound, not listening: connections to it are refused
        port = placeholder.getsockname()[1]
        status, summary = ledger_check(f"postgresql://ingest:s3cret-pw@127.0.0.1:{port}/ledger", tmp_path)
    assert status == "fail"
    assert f"127.0.0.1:{port}" in summary and "cannot be reached" in summary
    assert "s3cret-pw" not in summary
