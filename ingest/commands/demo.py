"""``benchling-ingest demo``: the whole path against a local sandbox, then a summary (``make demo``)."""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

import click
from rich.console import Console

from ingest.commands.logs import configure_logging
from ingest.commands.options import epilog
from ingest.operations.demo import demo_sandbox, run_demo
from ingest.operations.packaged_data import demo_exports, demo_map, demo_tenant
from ingest.pipeline import Outcome


@click.command(
    "demo",
    epilog=epilog(
        "benchling-ingest demo",
        "benchling-ingest demo --work-dir ./demo-run --serve",
        environment="none (the demo brings its own sandbox, tenant and credentials)",
    ),
)
@click.option(
    "--samples",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=demo_exports,
    show_default="the demo exports installed with benchling-ingest",
    help="Demo exports to ingest.",
)
@click.option(
    "--tenant",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=demo_tenant,
    show_default="the demo tenant installed with benchling-ingest",
    help="Tenant YAML the sandbox is seeded with.",
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=demo_map,
    show_default="the demo mapping installed with benchling-ingest",
    help="The mapping of the demo exports onto the tenant.",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the drop folder, archive, quarantine and ledger go (default: a new temp folder).",
)
@click.option("--port", type=int, default=0, help="Sandbox port (default: any free port).")
@click.option("--serve", is_flag=True, help="Keep the sandbox running afterwards to browse its page.")
def demo_command(
    samples: Path, tenant: Path, map_path: Path, work_dir: Path | None, port: int, serve: bool
) -> None:
    """Run the demo against a local sandbox and print a summary.

    Needs no network and no credentials: the sandbox runs on 127.0.0.1 seeded with the demo tenant,
    and the demo exports installed with benchling-ingest are ingested twice (the second time nothing
    is created). Works from any directory.
    """
    configure_logging(json_lines=False, secrets=[], verbose=False)
    console = Console()
    work = work_dir or Path(tempfile.mkdtemp(prefix="benchling-ingest-demo-"))

    def show(outcome: Outcome, root: Path) -> None:
        console.print(_line(outcome, root), highlight=False)

    with demo_sandbox(tenant, port=port) as server:
        console.print(f"Sandbox Benchling at {server.api_url} (API key {server.api_key})", highlight=False)

        def second_pass() -> None:
            console.print("\nOffering the same exports again (as a re-copied folder would):")

        report = run_demo(
            server, samples=samples, map_path=map_path, work=work, on_outcome=show, on_second_pass=second_pass
        )
        done = sum(o.kind == "done" for o in report.first_pass)
        failed = sum(o.kind == "failed" for o in report.first_pass)
        recognised = sum(o.kind in ("already_done", "duplicate") for o in report.second_pass)
        console.print(
            f"\nSummary: {len(report.exports)} export(s): {done} ingested, {failed} quarantined; "
            f"Benchling now holds {report.runs} run(s), {report.results} result(s), {report.blobs} blob(s); "
            f"{report.first_pass_requests} request(s) for the first pass, "
            f"{report.second_pass_requests} for the second ({recognised} recognised, nothing created).",
            highlight=False,
        )
        console.print(
            f"Work folder: {report.work} (inbox, archive, failed, state/ledger.sqlite)", highlight=False
        )
        if serve:
            console.print(f"Browse {server.base_url}/ ; Ctrl-C to stop.", highlight=False)
            threading.Event().wait()
        else:
            console.print(
                f"(Re-run with --serve to browse the sandbox page at {server.base_url}/)", highlight=False
            )
    if not report.first_pass or all(o.kind == "failed" for o in report.first_pass):
        sys.exit(1)


def _line(outcome: Outcome, root: Path) -> str:
    try:
        name = outcome.path.relative_to(root)
    except ValueError:
        name = outcome.path
    mark = {"done": "[green]ingested[/green]", "failed": "[red]quarantined[/red]"}.get(
        outcome.kind, f"[cyan]{outcome.kind}[/cyan]"
    )
    return f"{mark:>30}  {name}: {outcome.message}"


COMMAND = demo_command
