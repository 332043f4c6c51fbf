"""Command-line options shared by several commands, and the one place they become Settings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from ingest.commands.logs import configure_logging
from ingest.ledger.location import dsn_secrets, is_postgres_dsn
from ingest.settings import Settings, load_settings, process_environment, secret_values

F = TypeVar("F", bound=Callable[..., Any])


class LedgerLocationType(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2 on
    """``--ledger``: a SQLite file (a Path) or a ``postgresql://`` URL (kept as text)."""

    name = "PATH|postgresql://URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, Path):
            return value
        return str(value) if is_postgres_dsn(str(value)) else Path(value)


LEDGER_LOCATION = LedgerLocationType()


@dataclass(frozen=True, kw_only=True)
class CommonOptions:
    """``--map``, ``--ledger``, ``--parsers-dir``, ``--log-json`` and ``-v``."""

    map_path: Path | None = None
    #: A SQLite file, or a ``postgresql://`` URL (kept as given; settings tell them apart).
    ledger_path: Path | str | None = None
    parsers_dir: Path | None = None
    log_json: bool = False
    verbose: bool = False


_COMMON = ("map_path", "ledger_path", "parsers_dir", "log_json", "verbose")


def common_options(func: F) -> F:
    """Add the common options; the command receives them as one ``common: CommonOptions`` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        common = CommonOptions(**{name: kwargs.pop(name) for name in _COMMON})
        return func(*args, common=common, **kwargs)

    options = [
        click.option(
            "--map",
            "map_path",
            type=click.Path(path_type=Path),
            default=None,
            help="schemas_map.yaml to use (default: $BENCHLING_INGEST_MAP or ./schemas_map.yaml).",
        ),
        ledger_option(),
        click.option(
            "--parsers-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help="A folder of drop-in .py parser plugins.",
        ),
        click.option("--log-json", is_flag=True, help="Log JSON lines instead of readable lines."),
        click.option("-v", "--verbose", is_flag=True, help="Log debug messages."),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]  # click's decorators return Any-typed callables


LEDGER_HELP = (
    "The ledger: a SQLite file, or postgresql://... for one shared by several hosts. Default: "
    "$BENCHLING_INGEST_LEDGER, else ledger.sqlite in $BENCHLING_INGEST_HOME, else in the per-user data "
    "folder (~/.local/share/benchling-ingest on Linux, %LOCALAPPDATA%\\benchling-ingest on Windows), the "
    "same from any working directory. A service account has its own: set BENCHLING_INGEST_HOME for it. "
    "One watch/run/reprocess at a time per ledger (a second one refuses to start)."
)


def ledger_option() -> Callable[[F], F]:
    """``--ledger``, for the commands that take only it of the common options (retry, status)."""
    return click.option(
        "--ledger", "ledger_path", type=LEDGER_LOCATION, default=None, metavar="FILE|URL", help=LEDGER_HELP
    )


def start_logging(common: CommonOptions) -> None:
    """Log to stderr as the options say, with every known secret value redacted."""
    secrets = secret_values(process_environment()) + dsn_secrets(common.ledger_path)
    configure_logging(json_lines=common.log_json, secrets=secrets, verbose=common.verbose)


def settings_from(common: CommonOptions, *, workers: int | None = None) -> Settings:
    """Settings from the environment and the common options (flags win); sets up nothing."""
    return load_settings(
        process_environment(),
        map_path=common.map_path,
        ledger_path=common.ledger_path,
        parsers_dir=common.parsers_dir,
        workers=workers,
    )
