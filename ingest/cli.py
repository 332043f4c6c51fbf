"""The ``benchling-ingest`` command line.

Each command is one thin module under ``ingest.commands`` exposing ``COMMAND``: it parses options,
calls an operation (``ingest.operations``) or the pipeline (``ingest.pipeline``), and prints.

The group answers ``--help`` and ``--version`` at once: a command's module (and with it pandas, the
client, the sandbox's web stack...) is imported only when that command runs or shows its own help.
The group's listing uses the one-line summaries kept here; a test checks they match the commands.
Ctrl-C ends any command with exit code 130 (``watch`` handles it itself: see its ``--stop-grace``).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from ingest import __version__

#: Command name -> (module, one-line summary), in the order ``--help`` lists them.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("ingest.commands.init", "Write a starter schemas_map.yaml for the parsers installed."),
    "run": ("ingest.commands.run", "Ingest FILES now: one Benchling run with its results per file."),
    "validate": ("ingest.commands.validate", "Dry run: show the run and results FILES would become."),
    "watch": ("ingest.commands.watch", "Watch FOLDERS and ingest every export that lands there."),
    "retry": ("ingest.commands.retry", "Put quarantined files back in line for a running watch."),
    "reprocess": ("ingest.commands.reprocess", "Ingest every export under FOLDER in the fewest requests."),
    "status": (
        "ingest.commands.status",
        "What the ledger and the running watch say; the exit code suits monitoring checks.",
    ),
    "doctor": ("ingest.commands.doctor", "Check the tenant against what benchling-ingest assumes."),
    "parsers": ("ingest.commands.parsers", "List the parsers found and where each comes from."),
    "parse": ("ingest.commands.parse", "Parse one export and print what the parser read."),
    "sandbox": ("ingest.commands.sandbox", "Serve a local, strict Benchling REST API v2 look-alike."),
    "demo": ("ingest.commands.demo", "Run the demo against a local sandbox and print a summary."),
}

#: Commands that stop gracefully on SIGTERM, from their start on (``ingest.commands.interrupts``).
STOPPED_GRACEFULLY = frozenset({"watch"})

#: Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


class LazyGroup(click.Group):
    """A group whose commands are imported when invoked (or asked for their own help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = LAZY_COMMANDS.get(cmd_name)
        if entry is None:
            return None
        if cmd_name in STOPPED_GRACEFULLY:
            from ingest.commands.interrupts import hold_stop_signals

            hold_stop_signals()  # importing the command takes a while; a SIGTERM meanwhile is kept
        command = importlib.import_module(entry[0]).COMMAND
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in LAZY_COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None
        finally:
            from ingest.commands.interrupts import release_stop_signals

            release_stop_signals()


EPILOG = """\b
Examples:
  benchling-ingest init                      # a starter schemas_map.yaml here
  benchling-ingest demo                      # the whole path against a local sandbox
  benchling-ingest validate export.csv       # what a file would become, writing nothing
  benchling-ingest watch D:\\Exports --archive D:\\Archive --failed D:\\Failed

\b
Environment (flags win): BENCHLING_URL, BENCHLING_API_KEY (or BENCHLING_CLIENT_ID and
BENCHLING_CLIENT_SECRET), BENCHLING_RATE_LIMIT, BENCHLING_INGEST_MAP, BENCHLING_INGEST_LEDGER,
BENCHLING_INGEST_HOME, BENCHLING_INGEST_PARSERS_DIR, BENCHLING_INGEST_WORKERS. Each command's --help
names the ones it reads.
"""


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="benchling-ingest")
def cli() -> None:
    """Turn instrument exports into Benchling assay runs and results, exactly once."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="benchling-ingest")


if __name__ == "__main__":
    main()
