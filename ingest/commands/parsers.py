"""``benchling-ingest parsers``: list the parser plugins found and where each comes from."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ingest.commands.options import epilog
from ingest.commands.parse import PARSERS_DIR_OPTION, registry_or_exit
from parsers import describe_signal_decoding


@click.command(
    "parsers",
    epilog=epilog(
        "benchling-ingest parsers", "benchling-ingest parsers --parsers-dir team_parsers/", environment="none"
    ),
)
@PARSERS_DIR_OPTION
def parsers_command(parsers_dir: Path | None) -> None:
    """List the parsers found and where each comes from.

    Name, version, extensions, techniques and origin (built in, an installed package, a drop-in file).
    """
    table = Table(title="Parsers")
    for column in ("name", "version", "extensions", "techniques", "origin"):
        table.add_column(column)
    for entry in registry_or_exit(parsers_dir):
        table.add_row(
            entry.name, entry.version, " ".join(entry.extensions), " ".join(entry.techniques), entry.origin
        )
    console = Console(width=200)
    console.print(table)
    console.print(describe_signal_decoding(), highlight=False)


COMMAND = parsers_command
