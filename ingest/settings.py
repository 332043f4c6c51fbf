"""Environment + command-line flags -> one frozen Settings object. Nothing else reads os.environ.

Variables: ``BENCHLING_URL``, ``BENCHLING_API_KEY`` or ``BENCHLING_CLIENT_ID`` + ``BENCHLING_CLIENT_SECRET``,
``BENCHLING_RATE_LIMIT`` (the client's), and ``BENCHLING_INGEST_MAP`` (schemas_map.yaml),
``BENCHLING_INGEST_HOME`` (ledger and work files, default ``.benchling-ingest``),
``BENCHLING_INGEST_LEDGER``, ``BENCHLING_INGEST_PARSERS_DIR``, ``BENCHLING_INGEST_WORKERS``.
Flags win over variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.benchling import ClientSettings
from ingest.errors import ConfigError

SECRET_VARIABLES = ("BENCHLING_API_KEY", "BENCHLING_CLIENT_SECRET")


@dataclass(frozen=True)
class Settings:
    client: ClientSettings | None
    map_path: Path
    home: Path
    ledger_path: Path
    parsers_dir: Path | None
    workers: int = 4
    #: Processes drawing chromatograms (None: one per core but one; 0: drawn in the worker threads).
    render_workers: int | None = None

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
    ledger_path: Path | None = None,
    parsers_dir: Path | None = None,
    workers: int | None = None,
    client: ClientSettings | None = None,
    render_workers: int | None = None,
) -> Settings:
    """Build settings; Benchling settings are read only when ``BENCHLING_URL`` is set (or given)."""
    if client is None and environ.get("BENCHLING_URL", "").strip():
        client = ClientSettings.from_env(environ)
    env_home = environ.get("BENCHLING_INGEST_HOME", "").strip()
    if home is None and not env_home and ledger_path is not None:
        home = ledger_path.parent  # work files live beside an explicitly placed ledger
    home = home or Path(env_home or ".benchling-ingest")
    env_workers = environ.get("BENCHLING_INGEST_WORKERS", "").strip()
    if workers is None and env_workers:
        if not env_workers.isdigit() or int(env_workers) < 1:
            raise ConfigError(
                f"BENCHLING_INGEST_WORKERS is {env_workers!r}; expected a whole number of at least 1.",
                field="BENCHLING_INGEST_WORKERS",
            )
        workers = int(env_workers)
    env_render = environ.get("BENCHLING_INGEST_RENDER_WORKERS", "").strip()
    if render_workers is None and env_render:
        if not env_render.isdigit():
            raise ConfigError(
                f"BENCHLING_INGEST_RENDER_WORKERS is {env_render!r}; expected a whole number (0 draws "
                "chromatograms in the ingest workers themselves).",
                field="BENCHLING_INGEST_RENDER_WORKERS",
            )
        render_workers = int(env_render)
    env_parsers = environ.get("BENCHLING_INGEST_PARSERS_DIR", "").strip()
    return Settings(
        client=client,
        map_path=map_path or Path(environ.get("BENCHLING_INGEST_MAP", "schemas_map.yaml")),
        home=home,
        ledger_path=ledger_path or Path(environ.get("BENCHLING_INGEST_LEDGER", str(home / "ledger.sqlite"))),
        parsers_dir=parsers_dir or (Path(env_parsers) if env_parsers else None),
        workers=workers or 4,
        render_workers=render_workers,
    )


def process_environment() -> Mapping[str, str]:
    """The process environment (the one place it is read)."""
    return dict(os.environ)


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """Values that must never be printed (for the log redaction filter)."""
    return [environ[name] for name in SECRET_VARIABLES if environ.get(name)]
