"""``benchling-ingest demo``: the whole path against a local sandbox, no network, no credentials.

Starts the sandbox on 127.0.0.1 seeded with the demo tenant, copies the demo exports into a fresh
drop folder, ingests every export there (archiving successes, quarantining failures), then runs the
same folder again to show that nothing is created twice, and prints what Benchling now holds.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import click
from rich.console import Console

from ingest.benchling import ApiKey, ClientSettings, RateLimit
from ingest.commands.logs import configure_logging
from ingest.pipeline.factory import open_pipeline
from ingest.pipeline.filing_records import FilingOptions
from ingest.pipeline.pipeline import Outcome
from ingest.sandbox import SandboxConfig, SandboxServer
from ingest.settings import load_settings
from ingest.watch.source_file import describe_path
from parsers import ParserRegistry

REPO = Path(__file__).resolve().parents[2]


def find_exports(inbox: Path, registry: ParserRegistry) -> list[Path]:
    """Exports a parser claims, in name order; attachments (trace files) stay with their export."""
    return [path for path in sorted(inbox.rglob("*")) if path.is_file() and registry.claims(path)]


@click.command("demo")
@click.option(
    "--samples",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=REPO / "sample_data" / "exports",
    show_default=True,
    help="Demo exports to ingest.",
)
@click.option(
    "--tenant",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=REPO / "sample_data" / "tenant.yaml",
    show_default=True,
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=REPO / "schemas_map.yaml",
    show_default=True,
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
    """Run the demo ingestion against a local sandbox and print a summary."""
    configure_logging(json_lines=False, secrets=[], verbose=False)
    console = Console()
    work = work_dir or Path(tempfile.mkdtemp(prefix="benchling-ingest-demo-"))
    inbox, archive, failed = work / "inbox", work / "archive", work / "failed"
    shutil.copytree(samples, inbox, dirs_exist_ok=True)
    config = SandboxConfig.from_tenant_file(tenant)
    with SandboxServer(config, port=port) as server:
        console.print(f"Sandbox Benchling at {server.api_url} (API key {server.api_key})", highlight=False)
        client_settings = ClientSettings(server.base_url, ApiKey(server.api_key), RateLimit(60, 30.0))
        settings = load_settings({}, map_path=map_path, home=work / "state", client=client_settings)
        with open_pipeline(settings, filing_options=FilingOptions(archive, failed)) as pipeline:
            exports = find_exports(inbox, pipeline.parsers)
            outcomes: list[Outcome] = []
            for path in exports:
                outcome = pipeline.ingest(describe_path(path), root=inbox)
                outcomes.append(outcome)
                console.print(_line(outcome, inbox), highlight=False)
            first_pass = pipeline.client.stats.total_requests
            console.print("\nOffering the same exports again (as a re-copied folder would):")
            again = [pipeline.ingest(describe_path(p)) for p in _archived(outcomes)]
            for outcome in again:
                console.print(_line(outcome, archive), highlight=False)
            stats = pipeline.client.stats
        store = server.store
        runs, results, blobs = store.runs(), store.results(), store.blobs()
        console.print(
            f"\nSummary: {len(exports)} export(s): "
            f"{sum(o.kind == 'done' for o in outcomes)} ingested, "
            f"{sum(o.kind == 'failed' for o in outcomes)} quarantined; "
            f"Benchling now holds {len(runs)} run(s), {len(results)} result(s), {len(blobs)} blob(s); "
            f"{first_pass} request(s) for the first pass, {stats.total_requests - first_pass} for the second "
            f"({sum(o.kind in ('already_done', 'duplicate') for o in again)} recognised, nothing created).",
            highlight=False,
        )
        console.print(f"Work folder: {work} (inbox, archive, failed, state/ledger.sqlite)", highlight=False)
        if serve:
            console.print(f"Browse {server.base_url}/ ; Ctrl-C to stop.", highlight=False)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
        else:
            console.print(
                f"(Re-run with --serve to browse the sandbox page at {server.base_url}/)", highlight=False
            )
    if not outcomes or all(o.kind == "failed" for o in outcomes):
        sys.exit(1)


def _archived(outcomes: list[Outcome]) -> list[Path]:
    return [o.record.final_path for o in outcomes if o.kind == "done" and o.record.final_path is not None]


def _line(outcome: Outcome, root: Path) -> str:
    try:
        name = outcome.path.relative_to(root)
    except ValueError:
        name = outcome.path
    mark = {"done": "[green]ingested[/green]", "failed": "[red]quarantined[/red]"}.get(
        outcome.kind, f"[cyan]{outcome.kind}[/cyan]"
    )
    return f"{mark:>30}  {name}: {outcome.message}"


COMMANDS: list[click.Command] = [demo_command]
