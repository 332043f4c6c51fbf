"""``watch`` (the service), ``retry`` (put quarantined files back in line) and ``status``."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ingest.commands.options import common_options, settings_from
from ingest.errors import IngestError
from ingest.filing import moves as filing
from ingest.ledger.sqlite import Ledger
from ingest.pipeline.factory import open_pipeline
from ingest.pipeline.filing_records import FilingOptions
from ingest.pipeline.service import IngestService
from ingest.watch.patterns import DEFAULT_EXCLUDES
from ingest.watch.watcher import FolderWatcher, WatchOptions


@click.command("watch")
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
@click.option("--include", multiple=True, help="Only files matching this glob (relative path); repeatable.")
@click.option(
    "--exclude", multiple=True, help="Skip files matching this glob; repeatable (added to the defaults)."
)
@click.option(
    "--attachment-grace",
    "attachment_grace",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds a file no parser reads is kept waiting for an export that names it as an attachment.",
)
@click.option("--done-marker", default=None, help="Take a file only once '<name><MARKER>' exists beside it.")
@click.option("--workers", type=int, default=None, help="Files in flight at once (default 4).")
@click.option(
    "--archive-superseded",
    is_flag=True,
    help="When a changed export arrives at a path already ingested, archive the older version's results.",
)
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
    **options: Any,
) -> None:
    """Watch FOLDERS and ingest every export that lands there, exactly once, until stopped."""
    try:
        settings = settings_from(workers=workers, **options)
        with open_pipeline(
            settings,
            filing_options=FilingOptions(archive_dir, failed_dir),
            archive_superseded=archive_superseded,
            attachment_grace_seconds=attachment_grace,
        ) as pipeline:
            watch_options = WatchOptions(
                settle_seconds=settle_seconds,
                rescan_seconds=rescan_seconds,
                poll=poll,
                include=include,
                exclude=DEFAULT_EXCLUDES + exclude,
                unit_suffixes=tuple(sorted(pipeline.parsers.unit_suffixes)) or (".d",),
                done_marker=done_marker,
            )
            watcher = FolderWatcher(
                [f.absolute() for f in folders], watch_options, is_known=pipeline.is_finished
            )
            service = IngestService(pipeline, watcher, workers=settings.workers)

            def request_stop(signum: int, frame: object) -> None:
                click.echo("Stopping after the files in hand reach a checkpoint...", err=True)
                service.stop()

            signal.signal(signal.SIGINT, request_stop)
            signal.signal(signal.SIGTERM, request_stop)
            click.echo(f"Watching {', '.join(str(f) for f in folders)} (Ctrl-C to stop).", err=True)
            counters = service.run()
            pipeline.save_client_counters()
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"Stopped. {json.dumps(counters.outcomes)}", err=True)


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
@click.option("--ledger", "ledger_path", type=click.Path(path_type=Path), default=None)
def retry_command(
    files: tuple[Path, ...], retry_all: bool, failed_dir: Path, ledger_path: Path | None
) -> None:
    """Put quarantined FILES (or --all) back in their watched folder so they are ingested again."""
    if not files and not retry_all:
        raise click.UsageError("name quarantined files, or pass --all")
    settings = settings_from(None, ledger_path, None, False, False)
    wanted = {f.absolute() for f in files}
    restored = 0
    with Ledger(settings.ledger_path) as ledger:
        for record in ledger.in_state("failed"):
            if record.final_path is None or record.root is None:
                continue
            if not retry_all and record.final_path.absolute() not in wanted and record.path not in wanted:
                continue
            if not record.final_path.exists():
                continue
            target = filing.restore(record.final_path, failed_dir, record.root)
            # The restored file is a new version (restore touches it) that the watcher offers as a new
            # row. This row keeps its history but no longer owns a file: no root, no final path, so
            # nothing ever tries to finish filing it.
            ledger.update(record.id, final_path=None, root=None)
            click.echo(f"restored {record.final_path} -> {target}")
            restored += 1
        if retry_all:
            for record in ledger.pending(include_waiting=True):
                if record.next_attempt_at is not None:
                    ledger.update(record.id, next_attempt_at=time.time())
    click.echo(f"{restored} file(s) put back in line; a running 'watch' takes them within one rescan.")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--ledger", "ledger_path", type=click.Path(path_type=Path), default=None)
def status_command(as_json: bool, ledger_path: Path | None) -> None:
    """Counts by state, recent failures with reasons, oldest pending file, last success, requests."""
    settings = settings_from(None, ledger_path, None, False, False)
    if not settings.ledger_path.exists():
        raise click.ClickException(
            f"No ledger at '{settings.ledger_path}'. Expected one made by run or watch."
        )
    with Ledger(settings.ledger_path) as ledger:
        pending = ledger.pending(include_waiting=True)
        last = ledger.last_success()
        report: dict[str, Any] = {
            "ledger": str(settings.ledger_path),
            "counts": ledger.counts(),
            "oldest_pending": (
                {"path": str(pending[0].path), "state": pending[0].state, "since": pending[0].created_at}
                if pending
                else None
            ),
            "last_success": {"path": str(last.path), "run_id": last.run_id, "at": last.updated_at}
            if last
            else None,
            "recent_failures": [
                {
                    "path": str(r.path),
                    "state": r.state,
                    "attempts": r.attempts,
                    "reason": (r.last_error or {}).get("message"),
                    "quarantined_at": str(r.final_path) if r.final_path and r.state == "failed" else None,
                }
                for r in ledger.recent_failures(10)
            ],
            "counters": ledger.counters(),
        }
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


COMMANDS: list[click.Command] = [watch_command, retry_command, status_command]
