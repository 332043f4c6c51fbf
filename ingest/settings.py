"""Environment + command-line flags -> one frozen Settings object. Nothing else reads os.environ
(platformdirs reads the variables that locate the user's data folder: ``XDG_DATA_HOME``, ``LOCALAPPDATA``).

Variables: ``BENCHLING_URL``, ``BENCHLING_API_KEY`` or ``BENCHLING_CLIENT_ID`` + ``BENCHLING_CLIENT_SECRET``,
``BENCHLING_RATE_LIMIT`` (the client's), and ``BENCHLING_INGEST_MAP`` (schemas_map.yaml),
``BENCHLING_INGEST_HOME`` (ledger and work files, default: the per-user data folder, see
:func:`default_home`), ``BENCHLING_INGEST_LEDGER`` (a SQLite file, or ``postgresql://…`` for a ledger
shared by several hosts), ``BENCHLING_INGEST_HOST_ID`` (this host's name in a shared ledger, default the
host name), ``BENCHLING_INGEST_PARSERS_DIR``, ``BENCHLING_INGEST_WORKERS``.
Flags win over variables. Every path is made absolute here, so a command means the same ledger from
any working directory.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ingest.benchling import ClientSettings
from ingest.errors import ConfigError

SECRET_VARIABLES = ("BENCHLING_API_KEY", "BENCHLING_CLIENT_SECRET")
APP_NAME = "benchling-ingest"
#: ``--ledger`` values with these schemes name a database shared by several hosts, not a file.
SHARED_LEDGER_SCHEMES = ("postgresql://", "postgres://")


def default_home() -> Path:
    """The per-user data folder: ``~/.local/share/benchling-ingest`` on Linux (``$XDG_DATA_HOME`` if
    set), ``%LOCALAPPDATA%\\benchling-ingest`` on Windows, ``~/Library/Application Support/benchling-ingest``
    on macOS. A service account has its own; set ``BENCHLING_INGEST_HOME`` to choose another."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False).absolute()


def is_shared_ledger(value: str | Path) -> bool:
    """True for a ledger given as a database URL (``postgresql://…``) rather than a file."""
    return isinstance(value, str) and value.strip().lower().startswith(SHARED_LEDGER_SCHEMES)


@dataclass(frozen=True)
class Settings:
    client: ClientSettings | None
    map_path: Path
    home: Path
    #: The SQLite ledger (absolute); unused when ``ledger_url`` names a shared ledger.
    ledger_path: Path
    parsers_dir: Path | None
    workers: int = 4
    #: A shared ledger's URL (``postgresql://…``); may hold a password, so it is kept out of repr.
    ledger_url: str | None = field(default=None, repr=False)
    #: This host's name among the hosts sharing a ledger.
    host_id: str = field(default_factory=socket.gethostname)

    @property
    def shared_ledger(self) -> bool:
        """True when several hosts may share the ledger (PostgreSQL): locks are per host and folder."""
        return self.ledger_url is not None

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
) -> Settings:
    """Build settings; Benchling settings are read only when ``BENCHLING_URL`` is set (or given).

    ``ledger_path`` (the ``--ledger`` flag) is a SQLite file, or a ``postgresql://`` URL. The home (work
    files) is ``home``, else ``BENCHLING_INGEST_HOME``, else the folder of an explicitly given ledger
    file, else :func:`default_home`.
    """
    if client is None and environ.get("BENCHLING_URL", "").strip():
        client = ClientSettings.from_env(environ)
    ledger_value: Path | str | None = ledger_path
    if ledger_value is None and environ.get("BENCHLING_INGEST_LEDGER", "").strip():
        ledger_value = environ["BENCHLING_INGEST_LEDGER"].strip()
    ledger_url = (
        str(ledger_value).strip() if ledger_value is not None and is_shared_ledger(ledger_value) else None
    )
    ledger_file = Path(ledger_value) if ledger_value is not None and ledger_url is None else None
    env_home = environ.get("BENCHLING_INGEST_HOME", "").strip()
    if home is None and not env_home and ledger_file is not None and str(ledger_file) != ":memory:":
        home = ledger_file.parent  # work files live beside an explicitly placed ledger
    home = (home or (Path(env_home) if env_home else default_home())).absolute()
    env_workers = environ.get("BENCHLING_INGEST_WORKERS", "").strip()
    if workers is None and env_workers:
        if not env_workers.isdigit() or int(env_workers) < 1:
            raise ConfigError(
                f"BENCHLING_INGEST_WORKERS is {env_workers!r}; expected a whole number of at least 1.",
                field="BENCHLING_INGEST_WORKERS",
            )
        workers = int(env_workers)
    env_parsers = environ.get("BENCHLING_INGEST_PARSERS_DIR", "").strip()
    if ledger_file is None:
        ledger_file = home / "ledger.sqlite"
    elif str(ledger_file) != ":memory:":
        ledger_file = ledger_file.absolute()
    return Settings(
        client=client,
        map_path=map_path or Path(environ.get("BENCHLING_INGEST_MAP", "schemas_map.yaml")),
        home=home,
        ledger_path=ledger_file,
        parsers_dir=parsers_dir or (Path(env_parsers) if env_parsers else None),
        workers=workers or 4,
        ledger_url=ledger_url,
        host_id=environ.get("BENCHLING_INGEST_HOST_ID", "").strip() or socket.gethostname(),
    )


def process_environment() -> Mapping[str, str]:
    """The process environment (the one place it is read)."""
    return dict(os.environ)


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """Values that must never be printed (for the log redaction filter)."""
    return [environ[name] for name in SECRET_VARIABLES if environ.get(name)]
