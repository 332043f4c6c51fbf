"""Command-line options shared by several commands, and the one place they become Settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ingest.commands.logs import configure_logging
from ingest.settings import Settings, load_settings, process_environment, secret_values

F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    options = [
        click.option(
            "--map",
            "map_path",
            type=click.Path(path_type=Path),
            default=None,
            help="schemas_map.yaml to use (default: $BENCHLING_INGEST_MAP or ./schemas_map.yaml).",
        ),
        click.option(
            "--ledger",
            "ledger_path",
            type=click.Path(path_type=Path),
            default=None,
            help="Ledger database (default: $BENCHLING_INGEST_LEDGER or .benchling-ingest/ledger.sqlite).",
        ),
        click.option(
            "--parsers-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help="A folder of drop-in .py parser plugins.",
        ),
        click.option("--log-json", is_flag=True, help="Log JSON lines instead of readable lines."),
        click.option("-v", "--verbose", is_flag=True, help="Log debug messages."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from(
    map_path: Path | None,
    ledger_path: Path | None,
    parsers_dir: Path | None,
    log_json: bool,
    verbose: bool,
    **extra: Any,
) -> Settings:
    environ = process_environment()
    configure_logging(json_lines=log_json, secrets=secret_values(environ), verbose=verbose)
    return load_settings(
        environ,
        map_path=map_path,
        ledger_path=ledger_path,
        parsers_dir=parsers_dir,
        log_json=log_json,
        **extra,
    )
