"""``benchling-ingest status``: what the ledger says, for people or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ingest.commands.options import CommonOptions, ledger_option, settings_from, start_logging
from ingest.errors import ConfigError
from ingest.operations.status import status_report


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@ledger_option()
def status_command(as_json: bool, ledger_path: Path | str | None) -> None:
    """Counts by state, recent failures with reasons, oldest pending file, last success, requests."""
    common = CommonOptions(ledger_path=ledger_path)
    start_logging(common)
    try:
        report = status_report(settings_from(common).ledger_location)
    except ConfigError as exc:
        raise click.ClickException(exc.message) from exc
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    console = Console()
    table = Table(title=f"Ledger {report['ledger']}")
    table.add_column("state")
    table.add_column("files", justify="right")
    for state, count in report["counts"].items():
        table.add_row(state, str(count))
    console.print(table)
    console.print(f"Oldest pending: {report['oldest_pending'] or 'none'}", highlight=False)
    console.print(f"Last success: {report['last_success'] or 'none'}", highlight=False)
    counters = report["counters"]
    console.print(f"Requests: {counters.get('requests', 0)}, 429s: {counters.get('rate_limited', 0)}")
    for failure in report["recent_failures"]:
        console.print(
            f"[red]{failure['state']}[/red] {failure['path']}: {failure['reason']}",
            highlight=False,
            markup=True,
        )


COMMAND = status_command
