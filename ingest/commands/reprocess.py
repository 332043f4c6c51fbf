"""``benchling-ingest reprocess``: backfill an archive folder with a progress bar, batching requests."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ingest.commands.options import CommonOptions, common_options, settings_from, start_logging
from ingest.errors import IngestError
from ingest.operations.instance_lock import instance_lock
from ingest.operations.reprocess import Selection, WaitNotice, dry_run, reprocess, select_exports
from ingest.pipeline import Outcome, Pipeline, summarize
from ingest.pipeline.factory import open_pipeline


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD or an ISO date-time") from exc
    return parsed if parsed.tzinfo else parsed.astimezone()


@click.command("reprocess")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--since", default=None, help="Only files modified on or after this date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Only files modified before this date (YYYY-MM-DD).")
@click.option(
    "--glob",
    "globs",
    multiple=True,
    help="Only files matching this pattern (the same language as watch --include); repeatable.",
)
@click.option("--force", is_flag=True, help="Ingest again files the ledger already has.")
@click.option("--dry-run", is_flag=True, help="List and check the files; write nothing to Benchling.")
@click.option(
    "--batch",
    "batch_files",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="Files whose runs and results share requests.",
)
@common_options
def reprocess_command(
    folder: Path,
    since: str | None,
    until: str | None,
    globs: tuple[str, ...],
    force: bool,
    dry_run: bool,
    batch_files: int,
    common: CommonOptions,
) -> None:
    """Ingest every export under FOLDER (years of archived files) in the fewest requests.

    Files stay where they are; the ledger makes a second run create nothing new.
    """
    root = folder.absolute()
    selection = Selection(_date(since), _date(until), globs)
    start_logging(common)
    notice = WaitNotice()
    try:
        settings = settings_from(common)
        # A dry run writes nothing, so it may look while a watch runs.
        with (
            contextlib.nullcontext() if dry_run else instance_lock(settings, "reprocess", [root]),
            open_pipeline(settings, command="reprocess", folders=[root], on_wait=notice) as pipeline,
        ):
            paths = select_exports(pipeline, root, selection)
            if dry_run:
                sys.exit(_print_dry_run(pipeline, root, paths))
            outcomes = _reprocess_with_progress(
                pipeline, root, paths, force=force, batch_files=batch_files, notice=notice
            )
            stats = pipeline.save_client_counters()
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    counts = summarize(outcomes)
    per_file = stats.total_requests / len(outcomes) if outcomes else 0.0
    click.echo(
        f"{len(outcomes)} file(s): "
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        + f"; {stats.total_requests} request(s) ({per_file:.2f} per file), {stats.rate_limited} rate-limited"
    )
    for outcome in outcomes:
        if outcome.kind in ("failed", "paused"):
            click.echo(f"{outcome.kind} {outcome.path}: {outcome.message}")
    if any(o.kind in ("failed", "waiting", "paused") for o in outcomes):
        sys.exit(1)


def _print_dry_run(pipeline: Pipeline, root: Path, paths: list[Path]) -> int:
    problems = 0
    for line in dry_run(pipeline, root, paths):
        name = line.path.relative_to(root)
        if line.problem is not None:
            problems += 1
            click.echo(f"{name}: PROBLEM ({line.stage}): {line.problem}")
            continue
        note = "already in the ledger" if line.already_done else "would ingest"
        click.echo(f"{name}: {note}: {line.runs} run, {line.results} result(s)")
    click.echo(f"{len(paths)} file(s) selected, {problems} with problems; nothing written (dry run).")
    return 1 if problems else 0


def _reprocess_with_progress(
    pipeline: Pipeline, root: Path, paths: list[Path], *, force: bool, batch_files: int, notice: WaitNotice
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.2f} files/s"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[requests]} requests"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("reprocess", total=len(paths), rate=0.0, requests=0)
        # A wait on the hourly results cap shows in the bar until the next file is done.
        notice.show(lambda text: progress.update(task, description=f"reprocess: {text}"))

        def tick(outcome: Outcome) -> None:
            outcomes.append(outcome)
            notice.clear()
            elapsed = progress.tasks[task].elapsed or 1e-9
            requests = pipeline.client_stats.total_requests
            progress.update(
                task, description="reprocess", advance=1, rate=len(outcomes) / elapsed, requests=requests
            )

        reprocess(pipeline, paths, root=root, force=force, batch_files=batch_files, on_outcome=tick)
    return outcomes


COMMAND = reprocess_command
