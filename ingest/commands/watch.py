"""``benchling-ingest watch``: the service, ingesting everything dropped into folders until stopped."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import click

from ingest.commands.interrupts import GracefulStop
from ingest.commands.options import (
    CommonOptions,
    common_options,
    epilog,
    service_options,
    settings_from,
    start_logging,
)
from ingest.errors import IngestError
from ingest.filing import FilingOptions
from ingest.operations.doctor_context import WatchedFolders
from ingest.operations.instance_lock import instance_lock
from ingest.operations.mapping_upkeep import read_mapping
from ingest.operations.preflight import checked_start
from ingest.operations.service_monitoring import MonitoringOptions, check_options, monitored
from ingest.operations.service_start import started_service
from ingest.pipeline.factory import open_pipeline, process_budget
from ingest.watch import DEFAULT_EXCLUDES, WatchOptions


@click.command(
    "watch",
    epilog=epilog(
        "benchling-ingest watch ./inbox --archive ./archive --failed ./failed",
        "benchling-ingest watch \\\\labserver\\exports --poll --log-file C:\\ingest\\watch.log",
        "benchling-ingest watch /data/hplc /data/qpcr --include '*.csv' --workers 8",
    ),
)
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--poll", is_flag=True, default=None, help="Poll the folders (default: only on network shares)."
)
@click.option(
    "--settle",
    "settle_seconds",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds a file's size and mtime must stay unchanged before it is taken.",
)
@click.option(
    "--rescan",
    "rescan_seconds",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds between full listings of the folders (events only wake the scan early).",
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Move ingested files into dated folders here.",
)
@click.option(
    "--failed",
    "failed_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Move files that cannot be ingested here, each with <name>.error.json.",
)
@click.option(
    "--include",
    multiple=True,
    help="Only files matching this pattern (case-insensitive glob on the path relative to FOLDER; "
    "without '/' it matches the name at any depth; '**' for any folders); repeatable.",
)
@click.option(
    "--exclude",
    multiple=True,
    help="Skip files (and folders) matching this pattern; repeatable (added to the defaults).",
)
@click.option(
    "--attachment-grace",
    "attachment_grace",
    type=click.FloatRange(0, 3600),
    default=60.0,
    show_default=True,
    help="Seconds (0-3600) a file no parser reads is kept waiting for an export that names it as an "
    "attachment.",
)
@click.option("--done-marker", default=None, help="Take a file only once '<name><MARKER>' exists beside it.")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Files in flight at once (default: $BENCHLING_INGEST_WORKERS, else 4).",
)
@click.option(
    "--archive-superseded",
    is_flag=True,
    help="When a changed export arrives at a path already ingested, archive the older version's results.",
)
@service_options
@common_options
def watch_command(
    folders: tuple[Path, ...],
    poll: bool | None,
    settle_seconds: float,
    rescan_seconds: float,
    archive_dir: Path | None,
    failed_dir: Path | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    done_marker: str | None,
    workers: int | None,
    archive_superseded: bool,
    attachment_grace: float,
    http_address: str | None,
    http_token: str | None,
    probe_seconds: float,
    stop_grace: float,
    common: CommonOptions,
) -> None:
    """Watch FOLDERS and ingest every export that lands there.

    Exactly once, until stopped. Only one watch (or run, or reprocess) uses a ledger at a time: a
    second one refuses to start and names the first. Files whose names are not text, or that link
    outside FOLDERS, are quarantined.

    Ctrl-C (or SIGTERM) stops after the files in hand reach a checkpoint, at most --stop-grace seconds;
    a second Ctrl-C stops at once (the next start resumes those files). Exit codes: 0 stopped by
    SIGTERM, 130 by Ctrl-C, 143 by SIGTERM forced after the grace period, 2 on a configuration error.
    Checks first (as doctor does): folders, ledger or settings that fail stop it (exit 2); Benchling
    unreachable, credentials refused or a mapping that does not fit the tenant start it paused.
    A saved mapping file is used once it passes the same checks; one that does not is logged and shown.
    """
    start_logging(common)
    monitoring = MonitoringOptions(http=http_address, token=http_token, probe_seconds=probe_seconds)
    stop = threading.Event()
    # Installed first: a stop asked for while starting (a service manager's SIGTERM) is graceful too.
    stopper = GracefulStop(stop.set, grace_seconds=stop_grace, say=_say)
    with stopper.installed():
        try:
            check_options(monitoring)
            settings = settings_from(common, workers=workers)
            # One request budget for the checks and the pipeline (on a PostgreSQL ledger, every host's).
            with process_budget(settings, stop=stop) as budget:
                start = checked_start(
                    settings, WatchedFolders(folders, archive_dir, failed_dir), budget, say=_say
                )
                mapping_at_start = read_mapping(settings)
                with (
                    instance_lock(settings, "watch", folders),
                    open_pipeline(
                        settings,
                        filing_options=FilingOptions(archive_dir, failed_dir),
                        archive_superseded=archive_superseded,
                        attachment_grace_seconds=attachment_grace,
                        command="watch",
                        folders=folders,
                        stop=stop,
                        budget=budget,
                        schema_map=mapping_at_start.schema_map,
                    ) as pipeline,
                ):
                    watch_options = WatchOptions(
                        settle_seconds=settle_seconds,
                        rescan_seconds=rescan_seconds,
                        poll=poll,
                        include=include,
                        exclude=DEFAULT_EXCLUDES + exclude,
                        done_marker=done_marker,
                    )
                    service = started_service(
                        settings, pipeline, start, mapping_at_start, folders, watch_options, stop=stop
                    )
                    with monitored(
                        service, monitoring, ledger_location=settings.ledger_location, failed_dir=failed_dir
                    ):
                        _say(f"Watching {', '.join(str(f) for f in folders)} (Ctrl-C to stop).")
                        counters = service.run()
                        pipeline.save_client_counters()
        except IngestError as exc:
            if stop.is_set():  # stopped while starting: what was cut is resumed at the next start
                sys.exit(stopper.exit_code)
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(2)
    click.echo(f"Stopped. {json.dumps(counters.outcomes)}", err=True)
    sys.exit(stopper.exit_code)


def _say(text: str) -> None:
    click.echo(text, err=True)


COMMAND = watch_command
