"""The ``benchling-ingest`` command line.

Each command is one thin module under ``ingest.commands`` exposing ``COMMAND``: it parses options,
calls an operation (``ingest.operations``) or the pipeline (``ingest.pipeline``), and prints.
"""

from __future__ import annotations

import importlib

import click

from ingest import __version__

#: In the order ``--help`` lists them.
COMMAND_MODULES = (
    "ingest.commands.run",
    "ingest.commands.validate",
    "ingest.commands.watch",
    "ingest.commands.retry",
    "ingest.commands.reprocess",
    "ingest.commands.status",
    "ingest.commands.doctor",
    "ingest.commands.parsers",
    "ingest.commands.parse",
    "ingest.commands.sandbox",
    "ingest.commands.demo",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="benchling-ingest")
def cli() -> None:
    """Turn instrument exports into Benchling assay runs and results, exactly once."""


def _register() -> None:
    for module_name in COMMAND_MODULES:
        cli.add_command(importlib.import_module(module_name).COMMAND)


_register()


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
