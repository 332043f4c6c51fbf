"""``benchling-ingest retry``: put quarantined files back in line for a running ``watch``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ingest.commands.options import CommonOptions, epilog, ledger_option, settings_from, start_logging
from ingest.errors import IngestError
from ingest.file_names import display
from ingest.operations.retry import retry_with_lock


@click.command(
    "retry",
    epilog=epilog(
        "benchling-ingest retry run42.csv --failed D:\\Failed          # its name",
        "benchling-ingest retry D:\\Failed\\hplc\\run42.csv --failed D:\\Failed",
        "benchling-ingest retry --all --failed D:\\Failed",
        environment="BENCHLING_INGEST_LEDGER or BENCHLING_INGEST_HOME (as --ledger)",
    ),
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "retry_all", is_flag=True, help="Every quarantined file and every waiting retry.")
@click.option(
    "--failed",
    "failed_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The quarantine folder given to watch --failed.",
)
@ledger_option()
def retry_command(
    files: tuple[Path, ...], retry_all: bool, failed_dir: Path, ledger_path: Path | str | None
) -> None:
    """Put quarantined files back in line for a running watch.

    FILES (or --all) go back to their watched folder so they are ingested again. Name each by its
    name (as it was in the drop folder, or as quarantined), its quarantined path or its original path;
    a name that fits several quarantined files is refused with the list of them. When the quarantine
    folder was moved, give --failed its new place: files are found there by their .error.json. Exit 1
    when quarantined files the ledger names are found nowhere (each is listed).
    """
    if not files and not retry_all:
        raise click.UsageError("name quarantined files, or pass --all")
    common = CommonOptions(ledger_path=ledger_path)
    start_logging(common)
    try:
        result = retry_with_lock(settings_from(common), failed_dir, files=files, everything=retry_all)
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    if result.beside is not None:
        click.echo(f"A watch is running ({result.beside.describe()}); it takes the restored files.")
    for item in result.restored:
        click.echo(f"restored {display(item.quarantined)} -> {display(item.restored_to)}")
    click.echo(
        f"{len(result.restored)} file(s) put back in line; a running 'watch' takes them within one rescan."
    )
    if result.missing:
        listed = "\n".join(f"  {display(path)}" for path in result.missing)
        click.echo(
            f"Error: {len(result.missing)} quarantined file(s) the ledger names are neither where it "
            f"recorded them nor under {display(failed_dir)} (no .error.json there names them):\n{listed}\n"
            "If the quarantine folder was moved, run retry again with --failed set to the folder they "
            "are in now; a file that was deleted must be dropped again.",
            err=True,
        )
        sys.exit(1)


COMMAND = retry_command
