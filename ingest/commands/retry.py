"""``benchling-ingest retry``: put quarantined files back in line for a running ``watch``."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.options import LEDGER_LOCATION, CommonOptions, settings_from, start_logging
from ingest.operations.retry import retry_quarantined


@click.command("retry")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "retry_all", is_flag=True, help="Every quarantined file and every waiting retry.")
@click.option(
    "--failed",
    "failed_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The quarantine folder given to watch --failed.",
)
@click.option("--ledger", "ledger_path", type=LEDGER_LOCATION, default=None)
def retry_command(
    files: tuple[Path, ...], retry_all: bool, failed_dir: Path, ledger_path: Path | str | None
) -> None:
    """Put quarantined FILES (or --all) back in their watched folder so they are ingested again."""
    if not files and not retry_all:
        raise click.UsageError("name quarantined files, or pass --all")
    common = CommonOptions(ledger_path=ledger_path)
    start_logging(common)
    settings = settings_from(common)
    restored = retry_quarantined(settings.ledger_location, failed_dir, files=files, everything=retry_all)
    for item in restored:
        click.echo(f"restored {item.quarantined} -> {item.restored_to}")
    click.echo(f"{len(restored)} file(s) put back in line; a running 'watch' takes them within one rescan.")


COMMAND = retry_command
