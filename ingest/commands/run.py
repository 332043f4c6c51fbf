"""``benchling-ingest run``: ingest files now, one Benchling run with its results per file."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console

from ingest.commands.options import CommonOptions, common_options, epilog, settings_from, start_logging
from ingest.errors import IngestError
from ingest.file_names import display
from ingest.filing import FilingOptions
from ingest.operations.instance_lock import instance_lock
from ingest.pipeline import Outcome, Pipeline, forcing_command, log_outcome, summarize
from ingest.pipeline.factory import open_pipeline


@click.command(
    "run",
    epilog=epilog(
        "benchling-ingest run run42.csv",
        "benchling-ingest run exports/*.csv --archive done/ --failed failed/ --log-file ingest.log",
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Ingest again even if the ledger has this content already.")
@click.option("--archive", "archive_dir", type=click.Path(path_type=Path), help="Move ingested files here.")
@click.option("--failed", "failed_dir", type=click.Path(path_type=Path), help="Move failed files here.")
@click.option(
    "--archive-superseded",
    is_flag=True,
    help="When a changed export arrives at a path already ingested, archive the older version's results.",
)
@common_options
def run_command(
    files: tuple[Path, ...],
    force: bool,
    archive_dir: Path | None,
    failed_dir: Path | None,
    archive_superseded: bool,
    common: CommonOptions,
) -> None:
    """Ingest FILES now: one Benchling run with its results per file.

    Each is recorded in the ledger: running it again over the same files creates nothing new. The
    default ledger is the same from any working directory (see --ledger); it is used by one command at
    a time. Exit codes: 0 all done, 1 a file failed or waits, 2 a configuration error, 130 Ctrl-C.
    """
    console = Console()
    start_logging(common)
    try:
        settings = settings_from(common)
        with (
            instance_lock(settings, "run"),
            open_pipeline(
                settings,
                filing_options=FilingOptions(archive_dir, failed_dir),
                archive_superseded=archive_superseded,
                command="run",
            ) as pipeline,
        ):
            outcomes: list[Outcome] = []
            for resumed in pipeline.resume():
                log_outcome(resumed)
                outcomes.append(resumed)
            with forcing_command(pipeline, "run --force") if force else contextlib.nullcontext() as scope:
                for path in files:
                    outcome = _ingest_one(
                        pipeline, console, path, force=force, filing=bool(archive_dir or failed_dir)
                    )
                    if outcome is not None:
                        outcomes.append(outcome)
                if scope is not None:
                    scope.went_through_every_file()
            stats = pipeline.save_client_counters()
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    counts = summarize(outcomes)
    console.print(
        f"{len(outcomes)} file(s): "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        + f"; {stats.total_requests} request(s) to Benchling, {stats.rate_limited} rate-limited",
        highlight=False,
        soft_wrap=True,
    )
    if len(outcomes) < len(files) or any(o.kind in ("failed", "waiting", "paused") for o in outcomes):
        sys.exit(1)


def _ingest_one(
    pipeline: Pipeline, console: Console, path: Path, *, force: bool, filing: bool
) -> Outcome | None:
    """One file named on the command line, its outcome printed and logged (None: it could not be read)."""
    root = Path(os.path.abspath(path)).parent if filing else None
    started, before = time.monotonic(), pipeline.requests_in_this_thread()
    try:
        outcome = pipeline.ingest_path(path, root=root, force=force)
    except IngestError as exc:
        console.print(f"[red]failed[/red]  {display(path)}: {exc.message}", soft_wrap=True)
        return None
    requests = pipeline.requests_in_this_thread() - before
    log_outcome(outcome, duration_s=time.monotonic() - started, requests=requests)
    console.print(_outcome_line(outcome), highlight=False, soft_wrap=True)
    return outcome


def _outcome_line(outcome: Outcome) -> str:
    colour = {
        "done": "green",
        "adopted": "cyan",
        "already_done": "cyan",
        "duplicate": "cyan",
        "failed": "red",
    }.get(outcome.kind, "yellow")
    return f"[{colour}]{outcome.kind}[/{colour}]  {outcome.path}: {outcome.message}"


COMMAND = run_command
