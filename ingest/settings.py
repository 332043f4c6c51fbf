"""Environment + command-line flags -> one frozen Settings object. Nothing else reads os.environ
(platformdirs reads the variables that locate the user's data folder: ``XDG_DATA_HOME``, ``LOCALAPPDATA``).

Variables: ``BENCHLING_URL``, ``BENCHLING_API_KEY`` or ``BENCHLING_CLIENT_ID`` + ``BENCHLING_CLIENT_SECRET``,
``BENCHLING_RATE_LIMIT`` (the client's), and ``BENCHLING_INGEST_MAP`` (schemas_map.yaml),
``BENCHLING_INGEST_HOME`` (ledger and work files, default: the per-user data folder, see
:func:`default_home`), ``BENCHLING_INGEST_LEDGER`` (a SQLite file, or ``postgresql://…`` for a ledger
shared by several hosts), ``BENCHLING_INGEST_HOST_ID`` (this machine's name in a shared ledger, default
the hostname), ``BENCHLING_INGEST_LEASE_SECONDS`` (how long a shared ledger's claim lasts unrenewed,
default 60), ``BENCHLING_INGEST_PARSERS_DIR``, ``BENCHLING_INGEST_WORKERS``. Flags win over variables.
Every path is made absolute here, so a command means the same ledger from any working directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ingest.benchling import ClientSettings
from ingest.errors import ConfigError, hide_secrets, shown_setting
from ingest.ledger.instances import default_host_id
from ingest.ledger.location import (
    describe_location,
    dsn_secrets,
    is_keyword_dsn,
    is_postgres_dsn,
    libpq_reads,
)

SECRET_VARIABLES = ("BENCHLING_API_KEY", "BENCHLING_CLIENT_SECRET")
APP_NAME = "benchling-ingest"


def default_home() -> Path:
    """The per-user data folder: ``~/.local/share/benchling-ingest`` on Linux (``$XDG_DATA_HOME`` if
    set), ``%LOCALAPPDATA%\\benchling-ingest`` on Windows, ``~/Library/Application Support/benchling-ingest``
    on macOS. A service account has its own; set ``BENCHLING_INGEST_HOME`` to choose another."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False).absolute()


@dataclass(frozen=True)
class Settings:
    client: ClientSettings | None
    map_path: Path
    home: Path
    #: The SQLite ledger (absolute); unused when ``ledger_dsn`` names a shared ledger.
    ledger_path: Path
    parsers_dir: Path | None
    workers: int = 4
    #: A shared PostgreSQL ledger (``postgresql://…``); None: the SQLite file at ``ledger_path``. Out of
    #: the repr: the URL may hold a password (``ledger_name`` is the printable form).
    ledger_dsn: str | None = field(default=None, repr=False)
    host_id: str = field(default_factory=default_host_id)
    lease_seconds: float = 60.0

    @property
    def ledger_location(self) -> Path | str:
        """The PostgreSQL URL when the ledger is shared, else the SQLite file."""
        return self.ledger_dsn or self.ledger_path

    @property
    def ledger_name(self) -> str:
        """The ledger as it may be shown (a URL without its password)."""
        return describe_location(self.ledger_location)

    @property
    def shared_ledger(self) -> bool:
        """True when several hosts may share the ledger (PostgreSQL): locks are per host and folder."""
        return self.ledger_dsn is not None

    #: Processes drawing chromatograms (0: drawn in the ingest worker threads; None: one per core but one).
    render_workers: int | None = 0

    def require_client(self) -> ClientSettings:
        if self.client is None:
            raise ConfigError(
                "Benchling is not configured: set BENCHLING_URL and BENCHLING_API_KEY (or "
                "BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET).",
                field="BENCHLING_URL",
            )
        return self.client


def load_settings(
    environ: Mapping[str, str],
    *,
    map_path: Path | None = None,
    home: Path | None = None,
    ledger_path: Path | str | None = None,
    parsers_dir: Path | None = None,
    workers: int | None = None,
    client: ClientSettings | None = None,
    render_workers: int | None = None,
) -> Settings:
    """Build settings; Benchling settings are read only when ``BENCHLING_URL`` is set (or given).

    ``ledger_path`` (the ``--ledger`` flag) is a SQLite file, or a ``postgresql://`` URL. The home (work
    files) is ``home``, else ``BENCHLING_INGEST_HOME``, else the folder of an explicitly given ledger
    file, else :func:`default_home`.
    """
    hide_secrets(secret_values(environ))
    if client is None and environ.get("BENCHLING_URL", "").strip():
        client = ClientSettings.from_env(environ)
    if client is not None:
        hide_secrets(client.credentials.secret_values())
    env_home = environ.get("BENCHLING_INGEST_HOME", "").strip()
    env_ledger = environ.get("BENCHLING_INGEST_LEDGER", "").strip()
    # A flag wins over the variable, whichever of the two kinds of ledger each names.
    chosen: Path | str = ledger_path if ledger_path is not None else env_ledger
    dsn = str(chosen).strip() if is_postgres_dsn(chosen) else None
    if dsn is None and is_keyword_dsn(str(chosen)):
        raise ConfigError(
            "The ledger is given as a PostgreSQL keyword/value string (host=… password=…), which this tool "
            "does not read (its value is not shown: it may hold a password). Expected a SQLite file, or a "
            "URL: postgresql://USER:PASSWORD@HOST:PORT/DBNAME.",
            field="--ledger" if ledger_path is not None else "BENCHLING_INGEST_LEDGER",
        )
    hide_secrets(dsn_secrets(dsn))
    if dsn is not None and not libpq_reads(dsn):
        raise ConfigError(
            "The ledger's PostgreSQL URL cannot be read (it is not shown: it may hold a password). Expected "
            "postgresql://USER:PASSWORD@HOST:PORT/DBNAME with any of : / ? # @ % & = or a space in the user "
            "name or password percent-encoded (# as %23, @ as %40, / as %2F, ? as %3F, % as %25).",
            field="--ledger" if ledger_path is not None else "BENCHLING_INGEST_LEDGER",
        )
    if isinstance(ledger_path, str) and dsn is None:
        ledger_path = Path(ledger_path)
    explicit = ledger_path if isinstance(ledger_path, Path) else None
    if explicit is None and env_ledger and not is_postgres_dsn(env_ledger):
        explicit = Path(env_ledger)
    if home is None and not env_home and explicit is not None and str(explicit) != ":memory:":
        home = explicit.parent  # work files live beside an explicitly placed ledger
    home = (home or (Path(env_home) if env_home else default_home())).absolute()
    env_workers = environ.get("BENCHLING_INGEST_WORKERS", "").strip()
    if workers is None and env_workers:
        if not env_workers.isdigit() or int(env_workers) < 1:
            raise ConfigError(
                f"BENCHLING_INGEST_WORKERS is {shown_setting(env_workers)}; expected a whole number of at "
                "least 1.",
                field="BENCHLING_INGEST_WORKERS",
            )
        workers = int(env_workers)
    env_render = environ.get("BENCHLING_INGEST_RENDER_WORKERS", "").strip().lower()
    if render_workers is None and env_render == "auto":
        pass  # one render process per core but one
    elif render_workers is None and env_render:
        if not env_render.isdigit():
            raise ConfigError(
                f"BENCHLING_INGEST_RENDER_WORKERS is {shown_setting(env_render)}; expected a whole number "
                "(0 draws chromatograms in the ingest workers themselves) or 'auto'.",
                field="BENCHLING_INGEST_RENDER_WORKERS",
            )
        render_workers = int(env_render)
    elif render_workers is None:
        render_workers = 0
    env_parsers = environ.get("BENCHLING_INGEST_PARSERS_DIR", "").strip()
    return Settings(
        client=client,
        map_path=map_path or Path(environ.get("BENCHLING_INGEST_MAP", "schemas_map.yaml")),
        home=home,
        ledger_path=_ledger_file(ledger_path, env_ledger, home),
        parsers_dir=parsers_dir or (Path(env_parsers) if env_parsers else None),
        workers=workers or 4,
        ledger_dsn=dsn,
        host_id=environ.get("BENCHLING_INGEST_HOST_ID", "").strip() or default_host_id(),
        lease_seconds=_lease_seconds(environ.get("BENCHLING_INGEST_LEASE_SECONDS", "").strip()),
        render_workers=render_workers,
    )


def _ledger_file(flag: Path | str | None, env_ledger: str, home: Path) -> Path:
    """The SQLite ledger file (also when a PostgreSQL ledger is used: work files still go to ``home``)."""
    if isinstance(flag, Path):
        return flag if str(flag) == ":memory:" else flag.absolute()
    if env_ledger and not is_postgres_dsn(env_ledger):
        return Path(env_ledger).absolute()
    return home / "ledger.sqlite"


def _lease_seconds(text: str) -> float:
    if not text:
        return 60.0
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(
            f"BENCHLING_INGEST_LEASE_SECONDS is {shown_setting(text)}; expected seconds above zero, "
            "e.g. '60'.",
            field="BENCHLING_INGEST_LEASE_SECONDS",
        )
    return value


def process_environment() -> Mapping[str, str]:
    """The process environment (the one place it is read)."""
    return dict(os.environ)


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """Values that must never be printed (for the log redaction filter), the ledger URL's password too."""
    values = [environ[name] for name in SECRET_VARIABLES if environ.get(name)]
    return values + dsn_secrets(environ.get("BENCHLING_INGEST_LEDGER"))
