"""``benchling-ingest doctor``: check what the project assumes about the tenant, one line per check."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ingest.commands.options import CommonOptions, common_options, epilog, settings_from, start_logging
from ingest.errors import ConfigError
from ingest.operations.doctor import doctor_context, doctor_report, run_checks
from ingest.operations.doctor_context import WatchedFolders

_FOLDER = click.Path(file_okay=False, path_type=Path)


@click.command(
    "doctor",
    epilog=epilog(
        "benchling-ingest doctor",
        "benchling-ingest doctor --json --map lab_map.yaml",
        "benchling-ingest doctor D:\\Exports --archive D:\\Archive --failed D:\\Failed",
        "benchling-ingest doctor --write-probe 'LC Method Development'",
    ),
)
@click.argument("folders", nargs=-1, type=_FOLDER)
@click.option("--archive", "archive_dir", type=_FOLDER, help="The archive folder watch would use.")
@click.option("--failed", "failed_dir", type=_FOLDER, help="The quarantine folder watch would use.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.option(
    "--write-probe",
    "write_probe_project",
    metavar="PROJECT",
    default=None,
    help=(
        "Also check, by writing, whether the tenant keeps client ids and which datetime form it takes: "
        "creates ONE assay run in PROJECT (name or id) and archives it at once."
    ),
)
@common_options
def doctor_command(
    folders: tuple[Path, ...],
    archive_dir: Path | None,
    failed_dir: Path | None,
    as_json: bool,
    write_probe_project: str | None,
    common: CommonOptions,
) -> None:
    """Check the tenant against what benchling-ingest assumes.

    Read-only by default, and checks this host too. Reachability and credentials; the rate-limit
    budget the headers show against BENCHLING_RATE_LIMIT; how the tenant answers unknown ids in
    registered-entity, run and result bulk-gets; the mapping file against the live schemas; FOLDERS
    (listable, and writable when --archive/--failed are given), the ledger, free disk. With
    --write-probe: client ids kept or not, and the datetime form. Exits 1 when a check fails. watch runs
    the same checks at start.
    """
    start_logging(common)
    try:
        settings = settings_from(common)
    except ConfigError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    watched = WatchedFolders(folders, archive_dir, failed_dir)
    with doctor_context(settings, write_probe_project=write_probe_project, folders=watched) as context:
        results = run_checks(context)
    report = doctor_report(results)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for result in results:
            action = f" -> {result.action}" if result.action else ""
            click.echo(f"{result.status:<4} {result.name}: {result.summary}{action}")
    sys.exit(0 if report["ok"] else 1)


COMMAND = doctor_command
