"""``benchling-ingest sandbox``: serve the Benchling-compatible sandbox until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.commands.options import epilog
from ingest.errors import ConfigError
from ingest.operations.packaged_data import demo_tenant
from ingest.sandbox import FaultSpec, RateLimit, SandboxConfig, SandboxServer, Variants


@click.command(
    "sandbox",
    epilog=epilog(
        "benchling-ingest sandbox --port 8000",
        "benchling-ingest sandbox --rate-limit 60/30/sliding --state sandbox.sqlite",
        "benchling-ingest sandbox --variant help",
        environment="none (clients then use BENCHLING_URL=http://127.0.0.1:PORT and the printed API key)",
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 = any free port).")
@click.option(
    "--tenant",
    "tenant_file",
    default=demo_tenant,
    show_default="the demo tenant installed with benchling-ingest",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tenant YAML the sandbox is seeded with.",
)
@click.option("--api-key", default="sandbox-api-key", show_default=True, help="The accepted API key.")
@click.option("--rate-limit", default="60/30", show_default=True, help="REQUESTS/SECONDS[/sliding] or off.")
@click.option(
    "--faults", default="", help="Fault spec string or a YAML/JSON file (see ingest/sandbox/README.md)."
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME=VALUE",
    help="Behaviour where Benchling is undocumented (repeatable); '--variant help' lists them.",
)
@click.option(
    "--state",
    "state_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file that keeps state across restarts (default: memory).",
)
def sandbox(
    host: str,
    port: int,
    tenant_file: Path,
    api_key: str,
    rate_limit: str,
    faults: str,
    variants: tuple[str, ...],
    state_file: Path | None,
) -> None:
    """Serve a local, strict Benchling REST API v2 look-alike.

    Seeded with the demo tenant unless --tenant names another; until Ctrl-C.
    """
    if "help" in variants:
        click.echo(Variants.help_text())
        return
    try:
        config = SandboxConfig.from_tenant_file(
            tenant_file,
            api_keys=(api_key,),
            rate_limit=RateLimit.parse(rate_limit),
            faults=FaultSpec.parse(faults) if faults else FaultSpec(),
            state_file=state_file,
            variants=Variants.parse(variants),
        )
        server = SandboxServer(config, host=host, port=port)
    except (ConfigError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    # The sandbox key is not a secret: it only opens this local server.
    click.echo(f"Benchling sandbox serving at {server.base_url} (API at {server.api_url})", nl=True)
    click.echo(f"API key: {server.api_key}")
    if config.variants.changed():
        click.echo(f"Variants: {config.variants.changed()}")
    click.echo("Press Ctrl-C to stop.", nl=True)
    server.serve_forever()


COMMAND = sandbox
