"""``benchling-ingest reprocess``: backfill an archive folder with a progress bar, batching requests."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ingest.commands.options import common_options, settings_from
from ingest.errors import IngestError
from ingest.pipeline.backfill import Backfill, Selection, list_candidates
from ingest.pipeline.factory import open_pipeline
from ingest.pipeline.pipeline import Outcome, summarize
from ingest.watch.source_file import describe_path


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
@click.option("--glob", "globs", multiple=True, help="Only files matching this glob (relative path or name).")
@click.option("--force", is_flag=True, help="Ingest again files the ledger already has.")
@click.option("--dry-run", is_flag=True, help="List and check the files; write nothing to Benchling.")
@click.option(
    "--batch",
    "batch_files",
    type=int,
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
    **options: Any,
) -> None:
    """Ingest every export under FOLDER (years of archived files) in the fewest requests.

    Files stay where they are; the ledger makes a second run create nothing new.
    """
    console = Console(stderr=True)
    root = folder.absolute()
    try:
        settings = settings_from(**options)
        with open_pipeline(settings) as pipeline:
            selection = Selection(
                _date(since), _date(until), globs, tuple(sorted(pipeline.parsers.unit_suffixes))
            )
            paths = list_candidates(root, selection, pipeline.parsers.claims)
            if dry_run:
                problems = 0
                for path in paths:
                    try:
                        source = describe_path(path)
                        known = pipeline.ledger.by_sha(source.sha256)
                        plan = pipeline.plan(pipeline.parse(path), source=source.path, sha256=source.sha256)
                        note = (
                            "already in the ledger"
                            if any(r.state == "done" for r in known)
                            else "would ingest"
                        )
                        click.echo(f"{path.relative_to(root)}: {note}: 1 run, {len(plan.results)} result(s)")
                    except IngestError as exc:
                        problems += 1
                        click.echo(f"{path.relative_to(root)}: PROBLEM ({exc.stage}): {exc.message}")
                click.echo(
                    f"{len(paths)} file(s) selected, {problems} with problems; nothing written (dry run)."
                )
                sys.exit(1 if problems else 0)
            outcomes: list[Outcome] = []
            columns = (
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.2f} files/s"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[requests]} requests"),
            )
            with Progress(*columns, console=console, transient=False) as progress:
                task = progress.add_task("reprocess", total=len(paths), rate=0.0, requests=0)

                def tick(outcome: Outcome) -> None:
                    outcomes.append(outcome)
                    elapsed = progress.tasks[task].elapsed or 1e-9
                    progress.update(
                        task,
                        advance=1,
                        rate=len(outcomes) / elapsed,
                        requests=pipeline.client.stats.total_requests,
                    )

                Backfill(pipeline, batch_files=batch_files).run(
                    paths, root=root, force=force, on_outcome=tick
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
        if outcome.kind == "failed":
            click.echo(f"failed {outcome.path}: {outcome.message}")
    if any(o.kind in ("failed", "waiting") for o in outcomes):
        sys.exit(1)


COMMANDS: list[click.Command] = [reprocess_command]
