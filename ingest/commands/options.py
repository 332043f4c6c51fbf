"""Command-line options shared by several commands, and the one place they become Settings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from ingest.commands.logs import LogFile, configure_logging
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
    """``--map``, ``--ledger``, ``--parsers-dir``, ``--log-json``, ``--log-file`` (with its rotation
    options) and ``-v``."""

    map_path: Path | None = None
    #: A SQLite file, or a ``postgresql://`` URL (kept as given; settings tell them apart).
    ledger_path: Path | str | None = None
    parsers_dir: Path | None = None
    log_json: bool = False
    verbose: bool = False
    log_file: Path | None = None
    log_max_bytes: int = LogFile.max_bytes
    log_backups: int = LogFile.backups


_COMMON = (
    "map_path",
    "ledger_path",
    "parsers_dir",
    "log_json",
    "verbose",
    "log_file",
    "log_max_bytes",
    "log_backups",
)

#: The variables that locate Benchling and its credentials, named in every command's help that uses them.
CREDENTIALS_HELP = (
    "BENCHLING_URL (the tenant, https://NAME.benchling.com), BENCHLING_API_KEY or BENCHLING_CLIENT_ID "
    "and BENCHLING_CLIENT_SECRET (an app), BENCHLING_RATE_LIMIT (REQUESTS/SECONDS)"
)


def epilog(*examples: str, environment: str = CREDENTIALS_HELP) -> str:
    """A command's help epilog: examples, one per line as written, then the variables it reads."""
    lines = ["\b", "Examples:", *(f"  {example}" for example in examples), ""]
    if environment:
        lines.append(f"Environment: {environment}. Options name the variables they read (flags win).")
    return "\n".join(lines)


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
            help="schemas_map.yaml to use (default: $BENCHLING_INGEST_MAP or ./schemas_map.yaml; "
            "'benchling-ingest init' writes a starter one).",
        ),
        ledger_option(),
        click.option(
            "--parsers-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help="A folder of drop-in .py parser plugins (default: $BENCHLING_INGEST_PARSERS_DIR).",
        ),
        click.option("--log-json", is_flag=True, help="Log JSON lines on stderr instead of readable lines."),
        click.option(
            "--log-file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Also log JSON lines (file, sha256, state, run id, duration, requests) to this file, "
            "rotated by size.",
        ),
        click.option(
            "--log-max-bytes",
            type=click.IntRange(min=1024),
            default=LogFile.max_bytes,
            show_default=True,
            help="Rotate --log-file when it reaches this size.",
        ),
        click.option(
            "--log-backups",
            type=click.IntRange(min=0),
            default=LogFile.backups,
            show_default=True,
            help="Rotated --log-file copies kept (FILE.1 ... FILE.N).",
        ),
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
    """Log to stderr (and ``--log-file``) as the options say, with every known secret value redacted."""
    secrets = secret_values(process_environment()) + dsn_secrets(common.ledger_path)
    log_file = LogFile(common.log_file, common.log_max_bytes, common.log_backups) if common.log_file else None
    configure_logging(json_lines=common.log_json, secrets=secrets, verbose=common.verbose, log_file=log_file)


def settings_from(common: CommonOptions, *, workers: int | None = None) -> Settings:
    """Settings from the environment and the common options (flags win); sets up nothing."""
    return load_settings(
        process_environment(),
        map_path=common.map_path,
        ledger_path=common.ledger_path,
        parsers_dir=common.parsers_dir,
        workers=workers,
    )


def service_options(func: F) -> F:
    """``watch``'s ``--stop-grace``, and ``--http``, ``--http-token``, ``--health-probe`` (the status page,
    health and metrics)."""
    func = click.option(
        "--health-probe",
        "probe_seconds",
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        help="Seconds without an answer from Benchling before it is asked (one small read); /healthz fails "
        "after twice this without an answer.",
    )(func)
    func = click.option(
        "--http-token",
        envvar="BENCHLING_INGEST_HTTP_TOKEN",
        help="Lets the page retry quarantined files (sent in the X-Ingest-Token header); required for a "
        "non-loopback --http; never logged. Env: BENCHLING_INGEST_HTTP_TOKEN.",
    )(func)
    func = click.option(
        "--http",
        "http_address",
        metavar="[HOST:]PORT",
        help="Serve the status page, /healthz and /metrics here (host 127.0.0.1 unless given; port 0: any "
        "free port, shown at start). Beyond loopback a token is required.",
    )(func)
    func = click.option(
        "--stop-grace",
        "stop_grace",
        type=click.FloatRange(min=0.0),
        default=60.0,
        show_default=True,
        help="Seconds the first Ctrl-C or SIGTERM gives the files in hand to reach a checkpoint before "
        "stopping at once (a second Ctrl-C stops at once).",
    )(func)
    return func
