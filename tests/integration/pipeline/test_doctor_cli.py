"""``benchling-ingest doctor`` as a user runs it, against the sandbox over HTTP: one line per check,
``--json``, and the exit code."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner

from ingest.cli import cli
from ingest.operations.doctor import CHECKS
from ingest.sandbox import RateLimit, SandboxConfig, SandboxServer, Variants

REPO = Path(__file__).resolve().parents[3]


def env(sandbox: SandboxServer, tmp_path: Path) -> dict[str, str]:
    return {
        "BENCHLING_URL": sandbox.base_url,
        "BENCHLING_API_KEY": sandbox.api_key,
        "BENCHLING_RATE_LIMIT": "60/30",
        "BENCHLING_INGEST_HOME": str(tmp_path / "home"),
        "BENCHLING_INGEST_MAP": str(REPO / "schemas_map.yaml"),
    }


def started(**variants: str) -> SandboxServer:
    config = SandboxConfig.from_tenant_file(
        REPO / "sample_data" / "tenant.yaml",
        rate_limit=RateLimit(60, 30),
        variants=Variants.parse(f"{k}={v}" for k, v in variants.items()),
    )
    return SandboxServer(config)


def test_doctor_prints_one_line_per_check_and_exits_zero(tmp_path: Path) -> None:
    with started() as sandbox:
        result = CliRunner().invoke(cli, ["doctor"], env=env(sandbox, tmp_path))
        assert sandbox.store.runs() == []
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[1].rstrip(":") for line in lines] == [c.name for c in CHECKS]
    assert all(line.split()[0] in ("ok", "warn", "skip") for line in lines)
    assert "unknown_registry_ids: GET /registries/{registry_id}/registered-entities:bulk-get" in result.output


def test_doctor_json_and_a_failing_write_probe_exit_one(tmp_path: Path) -> None:
    with started(client_ids="server_assigned") as sandbox:
        result = CliRunner().invoke(
            cli,
            ["doctor", "--json", "--write-probe", "LC Method Development"],
            env=env(sandbox, tmp_path),
        )
        (run,) = sandbox.store.runs()
        assert run["archiveRecord"] == {"reason": "Made in error"}
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["ok"] is False
    by_name = {c["name"]: c for c in report["checks"]}
    assert by_name["client_ids"]["status"] == "fail"
    assert by_name["client_ids"]["details"]["ids"] == "server_assigned"
    assert by_name["datetime_format"]["status"] == "ok"
    assert sandbox.api_key not in result.output


def test_doctor_checks_the_folders_ledger_and_disk_watch_would_use(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    args = [
        "doctor",
        str(inbox),
        "--archive",
        str(tmp_path / "archive"),
        "--failed",
        str(tmp_path / "failed"),
    ]
    with started() as sandbox:
        result = CliRunner().invoke(cli, args, env=env(sandbox, tmp_path))
    assert result.exit_code == 0, result.output
    lines = {line.split()[1].rstrip(":"): line for line in result.output.splitlines()}
    assert lines["reachability"].startswith(f"ok   reachability: Benchling answers at {sandbox.base_url}")
    assert lines["folders"].startswith("ok   folders: 1 folder(s) can be listed and move files out of them")
    assert lines["ledger"].startswith("ok   ledger: The ledger ")
    assert lines["disk"].split()[0] in ("ok", "warn") and "working folder" in lines["disk"]


def test_doctor_says_at_once_that_nothing_answers_at_the_url(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as placeholder:
        placeholder.bind(("127.0.0.1", 0))  # bound, not listening: connections to it are refused
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}"
        environment = {**env_without_sandbox(tmp_path), "BENCHLING_URL": url}
        result = CliRunner().invoke(cli, ["doctor", str(tmp_path / "missing")], env=environment)
    assert result.exit_code == 1, result.output
    lines = {line.split()[1].rstrip(":"): line for line in result.output.splitlines()}
    assert lines["reachability"].startswith(f"fail reachability: Benchling at {url} could not be reached")
    assert lines["credentials"].startswith("skip credentials")
    assert lines["folders"].startswith(f"fail folders: '{tmp_path / 'missing'}' does not exist")


def env_without_sandbox(tmp_path: Path) -> dict[str, str]:
    return {
        "BENCHLING_API_KEY": "sandbox-api-key",
        "BENCHLING_RATE_LIMIT": "60/30",
        "BENCHLING_INGEST_HOME": str(tmp_path / "home"),
        "BENCHLING_INGEST_MAP": str(REPO / "schemas_map.yaml"),
    }
