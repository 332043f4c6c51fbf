"""The ``benchling-ingest`` command line: builds settings and stages, holds no business logic.

Each command group lives in its own module under ``ingest.commands`` and exposes ``COMMANDS``.
"""

from __future__ import annotations

import importlib

import click

from ingest import __version__

_COMMAND_MODULES = (
    "ingest.commands.sandbox_cmd",
    "ingest.commands.parse_cmd",
    "ingest.commands.ingest_cmd",
    "ingest.commands.service_cmd",
    "ingest.commands.demo_cmd",
    "ingest.commands.reprocess_cmd",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="benchling-ingest")
def cli() -> None:
    """Turn instrument exports into Benchling assay runs and results, exactly once."""


def _register() -> None:
    for module_name in _COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
