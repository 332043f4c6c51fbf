"""``benchling-ingest reprocess``: backfill an archive folder with a progress bar, batching requests."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from ingest.commands.options import CommonOptions, common_options, epilog, settings_from, start_logging
from ingest.errors import IngestError
from ingest.operations.instance_lock import instance_lock
from ingest.operations.reprocess import Selection, WaitNotice, dry_run, reprocess, select_exports
from ingest.pipeline import Outcome, Pipeline, forcing_command, log_outcome, summarize
from ingest.pipeline.factory import open_pipeline


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD or an ISO date-time") from exc
    return parsed if parsed.tzinfo else parsed.astimezone()


@click.command(
    "reprocess",
    epilog=epilog(
        "benchling-ingest reprocess /archive/hplc --since 2023-01-01 --dry-run",
        "benchling-ingest reprocess /archive/hplc --glob '**/*.csv' --log-file reprocess.log",
    ),
)
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
    """Ingest every export under FOLDER in the fewest requests.

    For years of archived files: they stay where they are, and the ledger makes a second run create
    nothing new. The progress bar says when it waits on the rate limit or the hourly results cap.
    Exit codes: 0 all done, 1 a file failed or waits, 2 a configuration error, 130 Ctrl-C.
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
            command = f"reprocess --force {root}"
            with forcing_command(pipeline, command) if force else contextlib.nullcontext() as scope:
                outcomes = _reprocess_with_progress(
                    pipeline, root, paths, force=force, batch_files=batch_files, notice=notice
                )
                if scope is not None and len(outcomes) == len(paths):
                    scope.went_through_every_file()
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
    """The bar moves per file: half a step when a file is planned (its batch's shared requests still to
    come), the rest when its outcome arrives; a rate-limit or hourly-cap wait shows in its description."""
    outcomes: list[Outcome] = []
    planned: set[Path] = set()
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[done]}/{task.total:.0f} done"),
        TextColumn("{task.fields[rate]:.2f} files/s"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[requests]} requests"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("reprocess", total=len(paths), rate=0.0, requests=0, done=0)
        notice.show(lambda text: progress.update(task, description=f"reprocess: {text}"))

        def show() -> None:
            elapsed = progress.tasks[task].elapsed or 1e-9
            progress.update(
                task,
                completed=len(outcomes) + 0.5 * len(planned),
                done=len(outcomes),
                rate=len(outcomes) / elapsed,
                requests=pipeline.client_stats.total_requests,
            )

        def on_planned(path: Path) -> None:
            planned.add(path)
            show()

        def tick(outcome: Outcome) -> None:
            outcomes.append(outcome)
            planned.discard(outcome.path)
            log_outcome(outcome)
            notice.clear()
            progress.update(task, description="reprocess")
            show()

        reprocess(
            pipeline,
            paths,
            root=root,
            force=force,
            batch_files=batch_files,
            on_outcome=tick,
            on_planned=on_planned,
        )
    return outcomes


COMMAND = reprocess_command
