"""``benchling-ingest init``: write a starter ``schemas_map.yaml`` for the parsers installed here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ingest.commands.options import epilog
from ingest.commands.parse import PARSERS_DIR_OPTION, registry_or_exit
from ingest.errors import ConfigError
from ingest.operations.starter_map import InstalledParser, write_starter_map


@click.command(
    "init",
    epilog=epilog(
        "benchling-ingest init                 # ./schemas_map.yaml",
        "benchling-ingest init C:\\ingest       # C:\\ingest\\schemas_map.yaml",
        "benchling-ingest init --force --parsers-dir team_parsers/",
        environment="none",
    ),
)
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing schemas_map.yaml.")
@PARSERS_DIR_OPTION
def init_command(folder: Path, force: bool, parsers_dir: Path | None) -> None:
    """Write a starter schemas_map.yaml for the parsers installed.

    FOLDER (default: here) gets a schemas_map.yaml with one commented mapping per parser installed,
    listing the columns its files give. An existing file is never replaced without --force.
    """
    parsers = [
        InstalledParser(entry.name, entry.extensions, entry.techniques, entry.origin)
        for entry in registry_or_exit(parsers_dir)
    ]
    try:
        written = write_starter_map(folder, parsers, force=force)
    except ConfigError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {written} with a commented mapping for each of {len(parsers)} parser(s).")
    click.echo(
        "Next: uncomment the mappings of your instruments, fill in your schema and field names, then "
        f"run 'benchling-ingest validate EXPORT --map {written}'."
    )


COMMAND = init_command
