"""``benchling-ingest run`` (ingest files now) and ``validate`` (a dry run with zero writes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ingest.commands.options import common_options, settings_from
from ingest.errors import IngestError, ResolveError
from ingest.models import RunPlan
from ingest.pipeline.factory import open_pipeline
from ingest.pipeline.filing_records import FilingOptions
from ingest.pipeline.pipeline import Outcome, summarize
from ingest.watch.source_file import describe_path


@click.command("run")
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
    **options: Any,
) -> None:
    """Ingest FILES now: one Benchling run with its results per file, recorded in the ledger.

    Running it again over the same files creates nothing new (the ledger remembers them).
    """
    console = Console()
    try:
        settings = settings_from(**options)
        with open_pipeline(
            settings,
            filing_options=FilingOptions(archive_dir, failed_dir),
            archive_superseded=archive_superseded,
        ) as pipeline:
            outcomes: list[Outcome] = []
            outcomes += pipeline.resume()
            for path in files:
                try:
                    source = describe_path(path)
                except IngestError as exc:
                    console.print(f"[red]failed[/red]  {path}: {exc.message}", soft_wrap=True)
                    continue
                root = path.absolute().parent if (archive_dir or failed_dir) else None
                outcome = pipeline.ingest(source, root=root, force=force)
                outcomes.append(outcome)
                console.print(_outcome_line(outcome), highlight=False, soft_wrap=True)
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
    if len(outcomes) < len(files) or any(o.kind in ("failed", "waiting") for o in outcomes):
        sys.exit(1)


def _outcome_line(outcome: Outcome) -> str:
    colour = {"done": "green", "already_done": "cyan", "duplicate": "cyan", "failed": "red"}.get(
        outcome.kind, "yellow"
    )
    return f"[{colour}]{outcome.kind}[/{colour}]  {outcome.path}: {outcome.message}"


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the plans as JSON.")
@common_options
def validate_command(files: tuple[Path, ...], as_json: bool, **options: Any) -> None:
    """Dry run: parse FILES and show the run and results that would be created, and every problem.

    Reads schemas and entities from Benchling; writes nothing anywhere.
    """
    console = Console()
    failures = 0
    try:
        settings = settings_from(**options)
        with open_pipeline(settings, ledger_path=Path(":memory:")) as pipeline:
            for path in files:
                try:
                    source = describe_path(path)
                    parsed = pipeline.parse(source.path)
                    plan = pipeline.plan(
                        parsed, source=source.path, sha256=source.sha256, folder=source.path.parent
                    )
                except IngestError as exc:
                    failures += 1
                    _print_problems(console, path, exc)
                    continue
                if as_json:
                    click.echo(json.dumps(_plan_json(plan), indent=2, default=str))
                else:
                    _print_plan(console, plan)
            requests = pipeline.client.stats.total_requests
    except IngestError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    console.print(
        f"{len(files)} file(s) checked, {failures} with problems; {requests} read request(s), 0 writes."
    )
    if failures:
        sys.exit(1)


def _print_problems(console: Console, path: Path, exc: IngestError) -> None:
    console.print(f"[red]PROBLEMS[/red] {path} ({exc.stage})", highlight=False, soft_wrap=True)
    problems = exc.problems if isinstance(exc, ResolveError) and exc.problems else [exc.message]
    for problem in problems:
        console.print(f"  - {problem}", highlight=False, markup=False, soft_wrap=True)


def _plan_json(plan: RunPlan) -> dict[str, Any]:
    return {
        "file": str(plan.source),
        "parser": plan.parser,
        "run": plan.run,
        "results": list(plan.results),
        "blobs": [{"key": b.key, "name": b.name, "type": b.blob_type} for b in plan.blobs],
        "warnings": list(plan.warnings),
    }


def _print_plan(console: Console, plan: RunPlan) -> None:
    console.print(f"[green]OK[/green] {plan.source} (parser {plan.parser})", highlight=False)
    run = Table(title="Run that would be created", show_header=True)
    run.add_column("field")
    run.add_column("value")
    for name, value in plan.run["fields"].items():
        run.add_row(name, _show(value))
    console.print(run)
    blobs = ", ".join(f"{b.name} ({b.blob_type})" for b in plan.blobs) or "none"
    console.print(f"Blobs to upload: {blobs}", highlight=False)
    if plan.results:
        link = next((k for k, v in plan.results[0]["fields"].items() if v == plan.run["id"]), None)
        names = [k for k in dict.fromkeys(k for r in plan.results for k in r["fields"]) if k != link]
        linked = f", each linked to the run through '{link}'" if link else ""
        table = Table(title=f"{len(plan.results)} result(s) that would be created{linked}")
        for name in names:
            table.add_column(name)
        for body in plan.results[:50]:
            table.add_row(*(_show(body["fields"].get(n)) for n in names))
        console.print(table)
        if len(plan.results) > 50:
            console.print(f"... and {len(plan.results) - 50} more result(s)")
    else:
        console.print("No results (a run with its blobs only).")
    for warning in plan.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}", highlight=False)


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"$blob"}:
        return f"<blob {value['$blob']}>"
    return "" if value is None else str(value)


COMMANDS: list[click.Command] = [run_command, validate_command]
