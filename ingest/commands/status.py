"""``benchling-ingest status``: what the ledger and the running service say, for people or as JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.commands.options import CommonOptions, epilog, ledger_option, settings_from, start_logging
from ingest.errors import IngestError
from ingest.operations.status import STALE_AFTER_SECONDS, status_report

#: The exit code when the ledger cannot be read at all (beside 0-3, which report what it says).
LEDGER_UNREADABLE = 4


@click.command(
    "status",
    epilog=epilog(
        "benchling-ingest status",
        "benchling-ingest status --json --ledger /var/lib/benchling-ingest/ledger.sqlite",
        "benchling-ingest status --ignore-service   # a ledger only `run` uses",
        environment="BENCHLING_INGEST_LEDGER, BENCHLING_INGEST_HOME",
    ),
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (the exit code is the same).")
@click.option(
    "--stale-after",
    type=click.FloatRange(min=1.0),
    default=STALE_AFTER_SECONDS,
    show_default=True,
    help="Seconds without a heartbeat after which a running watch counts as stale.",
)
@click.option(
    "--ignore-service",
    is_flag=True,
    help="Do not count a missing or stale watch service in the exit code (a ledger used by `run` only).",
)
@ledger_option()
def status_command(
    as_json: bool, stale_after: float, ignore_service: bool, ledger_path: Path | str | None
) -> None:
    """What the ledger and the running watch say; the exit code suits monitoring checks.

    Counts by state, failures with reasons, oldest pending file, last success, requests, and whether
    a watch service is running (pid, host, since, last scan) with its live counters.

    \b
    Exit codes (for monitoring checks):
      0  no failed files, and a watch service is running with a fresh heartbeat
      1  failed files wait in quarantine (see `retry`)
      2  no watch service is running, or its heartbeat is stale (killed, hung, host gone)
      3  both 1 and 2
      4  the ledger cannot be read (missing, or its database unreachable): nothing is known
    """
    common = CommonOptions(ledger_path=ledger_path)
    start_logging(common)
    try:
        report = status_report(
            settings_from(common).ledger_location, stale_after=stale_after, check_service=not ignore_service
        )
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        raise SystemExit(LEDGER_UNREADABLE) from None
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        print_report(Console(highlight=False), report)
    raise SystemExit(report["exit_code"])


def print_report(console: Console, report: dict[str, Any]) -> None:
    console.print(f"Ledger: {escape(report['ledger'])}")
    console.print(describe_service(report["service"]))
    table = Table(title="Files by state")
    table.add_column("state")
    table.add_column("files", justify="right")
    for state, count in report["counts"].items():
        table.add_row(state, str(count))
    console.print(table)
    pending = report["oldest_pending"]
    console.print(
        f"Oldest pending: {escape(pending['path'])} ({pending['state']} since {_when(pending['since'])})"
        if pending
        else "Oldest pending: none"
    )
    last = report["last_success"]
    console.print(
        f"Last success: {escape(last['path'])}, run {last['run_id']}, at {_when(last['at'])}"
        if last
        else "Last success: none"
    )
    counters = report["counters"]
    console.print(f"Requests: {counters.get('requests', 0)}, 429s: {counters.get('rate_limited', 0)}")
    for failure in report["recent_failures"]:
        where = f" (quarantined at {escape(failure['quarantined_at'])})" if failure["quarantined_at"] else ""
        reason = escape(str(failure["reason"]))
        console.print(f"[red]{failure['state']}[/red] {escape(failure['path'])}: {reason}{where}")
    console.print(f"Exit code {report['exit_code']}: {report['exit_meaning']}.")


def describe_service(service: dict[str, Any]) -> str:
    if service["state"] == "running":
        lines = []
        for entry in service["running"]:
            scans = [s["scanned_at"] for s in entry["folder_scans"] if s.get("scanned_at")]
            last_scan = f", last scan {_ago(max(scans))}" if scans else ""
            finished = ", ".join(f"{k} {n}" for k, n in sorted(entry["outcomes"].items())) or "no files yet"
            paused = (
                f"; [red]paused: {escape(entry['paused_reason'])}[/red]" if entry["paused_reason"] else ""
            )
            lines.append(
                f"Service: watch running on {escape(entry['host'])} (pid {entry['pid']}) since "
                f"{_when(entry['started_at'])}{last_scan}; "
                f"heartbeat {entry['heartbeat_age_seconds']:.0f} s ago; "
                f"{entry['in_flight']} in flight; finished: {finished}{paused}"
            )
            lines += describe_mapping(entry.get("mapping"))
        return "\n".join(lines)
    latest = service["latest"]
    if service["state"] == "stale" and latest is not None:
        return (
            f"[red]Service: the watch on {escape(latest['host'])} (pid {latest['pid']}) has a stale "
            f"heartbeat: last {latest['heartbeat_age_seconds']:.0f} s ago "
            f"(more than {service['stale_after_seconds']:.0f} s).[/red]"
        )
    if latest is not None:
        return (
            f"Service: no watch is running (the last one, on {escape(latest['host'])}, pid {latest['pid']}, "
            f"stopped; its heartbeat ended {latest['heartbeat_age_seconds']:.0f} s ago)."
        )
    return "Service: no watch has used this ledger."


def describe_mapping(mapping: dict[str, Any] | None) -> list[str]:
    """The mapping a running watch uses, and the problem with its file (none from services before
    snapshot version 2)."""
    if not mapping:
        return []
    loaded = dt.datetime.fromtimestamp(mapping["loaded_at"]).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    lines = [f"  Mapping in use: {escape(mapping['path'])} (sha256 {mapping['sha256']}), loaded {loaded}"]
    if mapping.get("problem"):
        lines.append(f"  [red]Mapping file problem: {escape(mapping['problem'])}[/red]")
    return lines


def _when(timestamp: str) -> str:
    """A ledger timestamp (ISO text, UTC) in local time to the second."""
    try:
        return dt.datetime.fromisoformat(timestamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return timestamp


def _ago(epoch: float) -> str:
    seconds = max(0.0, dt.datetime.now().timestamp() - epoch)
    return f"{seconds:.0f} s ago"


COMMAND = status_command
