"""``benchling-ingest validate``: a dry run that shows the run and results a file would become."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ingest.commands.options import CommonOptions, common_options, epilog, settings_from, start_logging
from ingest.errors import IngestError
from ingest.models import BlobRef, RunPlan
from ingest.operations.validate import (
    datetime_form_note,
    file_document,
    problems_of,
    validation_document,
)
from ingest.pipeline.factory import open_pipeline


@click.command(
    "validate",
    epilog=epilog(
        "benchling-ingest validate run42.csv",
        "benchling-ingest validate exports/*.json --map lab_map.yaml",
        "benchling-ingest validate run42.csv --json | jq '.files[].problems'",
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document (every file's plan or problems) and nothing else on stdout.",
)
@common_options
def validate_command(files: tuple[Path, ...], as_json: bool, common: CommonOptions) -> None:
    """Dry run: show the run and results FILES would become.

    Parses FILES and shows the run and results that would be created, and every problem. Reads schemas
    and entities from Benchling; writes nothing anywhere. Exit codes: 0 no problems, 1 a file has
    problems, 2 the settings or the mapping cannot be used (with --json, an {"error": ...} document).
    """
    console = Console()
    start_logging(common)
    checked: list[dict[str, Any]] = []
    try:
        settings = settings_from(common)
        with open_pipeline(settings, ledger_path=Path(":memory:")) as pipeline:
            note = datetime_form_note(settings.map_path)
            if not as_json:
                console.print(note, highlight=False, soft_wrap=True)
            for path in files:
                try:
                    _, plan = pipeline.plan_file(path)
                except IngestError as exc:
                    checked.append(file_document(path, None, exc))
                    if not as_json:
                        _print_problems(console, path, exc)
                    continue
                checked.append(file_document(path, plan, None))
                if not as_json:
                    _print_plan(console, plan)
            requests = pipeline.client_stats.total_requests
    except IngestError as exc:
        if as_json:
            click.echo(json.dumps({"ok": False, "error": exc.to_dict()}, indent=2))
        else:
            click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    failures = sum(not f["ok"] for f in checked)
    if as_json:
        document = validation_document(checked, requests=requests, datetime_note=note)
        click.echo(json.dumps(document, indent=2, default=str))
    else:
        console.print(
            f"{len(files)} file(s) checked, {failures} with problems; {requests} read request(s), 0 writes."
        )
    if failures:
        sys.exit(1)


def _print_problems(console: Console, path: Path, exc: IngestError) -> None:
    console.print(f"[red]PROBLEMS[/red] {path} ({exc.stage})", highlight=False, soft_wrap=True)
    for problem in problems_of(exc):
        console.print(f"  - {problem}", highlight=False, markup=False, soft_wrap=True)


def _print_plan(console: Console, plan: RunPlan) -> None:
    console.print(f"[green]OK[/green] {plan.source} (parser {plan.parser})", highlight=False)
    run = Table(title="Run that would be created", show_header=True)
    run.add_column("field")
    run.add_column("value")
    for name, value in plan.run.fields.items():
        run.add_row(name, _show(value))
    console.print(run)
    for resolved in plan.links:
        console.print(
            f"Link {resolved.field}: {resolved.given!r} -> {resolved.id}, {resolved.label}",
            highlight=False,
            markup=False,
        )
    blobs = ", ".join(f"{b.name} ({b.blob_type})" for b in plan.blobs) or "none"
    console.print(f"Blobs to upload: {blobs}", highlight=False)
    if plan.results:
        link = next((k for k, v in plan.results[0].fields.items() if v == plan.run_id), None)
        names = [k for k in dict.fromkeys(k for r in plan.results for k in r.fields) if k != link]
        linked = f", each linked to the run through '{link}'" if link else ""
        table = Table(title=f"{len(plan.results)} result(s) that would be created{linked}")
        for name in names:
            table.add_column(name)
        for result in plan.results[:50]:
            table.add_row(*(_show(result.fields.get(n)) for n in names))
        console.print(table)
        if len(plan.results) > 50:
            console.print(f"... and {len(plan.results) - 50} more result(s)")
    else:
        console.print("No results (a run with its blobs only).")
    for warning in plan.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}", highlight=False)


def _show(value: Any) -> str:
    if isinstance(value, BlobRef):
        return f"<blob {value.key}>"
    if isinstance(value, list) and value and all(isinstance(v, BlobRef) for v in value):
        return ", ".join(_show(v) for v in value)
    return "" if value is None else str(value)


COMMAND = validate_command
