"""``benchling-ingest status`` on a PostgreSQL ledger: the counts and running instances, and the URL
shown without its password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ingest.ledger.postgres import PostgresLedger
from ingest.models import SourceFile

CLI = Path(sys.executable).parent / "benchling-ingest"


def test_status_shows_counts_and_instances_but_not_the_password(postgres_dsn: str, tmp_path: Path) -> None:
    secret = "Sup3r-s3cret"
    dsn = postgres_dsn.replace("postgres@", f"postgres:{secret}@")  # the test server trusts local users
    with PostgresLedger(dsn, host_id="hplc-7") as ledger:
        ledger.register_instance("watch", [tmp_path / "inbox"])
        ledger.record_discovered(SourceFile(tmp_path / "a.csv", "aa", 1, 1, (tmp_path / "a.csv",)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
        result = subprocess.run(
            [str(CLI), "status", "--json", "--ledger", dsn],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ledger"] == dsn.replace(secret, "***")
    assert report["counts"]["discovered"] == 1
    (instance,) = report["instances"]
    assert (instance["host"], instance["command"], instance["folders"]) == (
        "hplc-7",
        "watch",
        [str(tmp_path / "inbox")],
    )


def test_status_shows_every_hosts_running_watch_with_its_published_counters(postgres_dsn: str) -> None:
    from ingest.operations.status import status_report

    with (
        PostgresLedger(postgres_dsn, host_id="hplc-1") as first,
        PostgresLedger(postgres_dsn, host_id="hplc-2") as second,
    ):
        for ledger, done, requests in ((first, 3, 10), (second, 1, 4)):
            ledger.register_instance("watch", [])
            ledger.publish_snapshot({"outcomes": {"done": done}, "requests": {"total": requests}})
        report = status_report(postgres_dsn)
    assert report["service"]["state"] == "running"
    running = {entry["host"]: entry["outcomes"] for entry in report["service"]["running"]}
    assert running == {"hplc-1": {"done": 3}, "hplc-2": {"done": 1}}
    assert report["counters"]["requests"] == 14
    assert report["exit_code"] == 0


def test_status_of_a_ledger_it_cannot_read_exits_4_and_says_why_without_the_password(tmp_path: Path) -> None:
    """A monitoring check must tell "the ledger is unreachable" from "files failed" (1) or "no watch" (2)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
    unreachable = "postgresql://ingest:Sup3r-s3cret@127.0.0.1:1/ledger"
    for ledger in (unreachable, str(tmp_path / "no-such" / "ledger.sqlite")):
        result = subprocess.run(
            [str(CLI), "status", "--ledger", ledger], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 4, result.stderr
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
        assert "Sup3r-s3cret" not in result.stdout + result.stderr
