"""What ``doctor``'s checks share: their result type and the context they read (settings, client, the mapping
and tenant lookups, loaded once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ingest.benchling import BenchlingClient
from ingest.errors import ConfigError
from ingest.resolve import CachedTenant, ClientTenant, SchemaMap, TenantLookup, load_schema_map
from ingest.settings import Settings

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: ``summary`` says what was found, ``action`` what to do (None when nothing)."""

    name: str
    status: Status
    summary: str
    action: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "action": self.action,
            "details": self.details,
        }


@dataclass(frozen=True)
class WatchedFolders:
    """What ``watch`` would use: the drop folders and where files are moved (None: left in place)."""

    folders: tuple[Path, ...] = ()
    archive_dir: Path | None = None
    failed_dir: Path | None = None

    @property
    def moves_files(self) -> bool:
        return self.archive_dir is not None or self.failed_dir is not None


class DoctorContext:
    """Settings, the client (None when Benchling is not configured), the folders a watch would use, and
    what checks load once."""

    def __init__(
        self,
        settings: Settings,
        client: BenchlingClient | None,
        write_probe_project: str | None,
        folders: WatchedFolders | None = None,
    ) -> None:
        self.settings = settings
        self._client = client
        self.write_probe_project = write_probe_project
        self.folders = folders or WatchedFolders()
        self._schema_map: SchemaMap | None = None
        self._tenant: TenantLookup | None = None
        #: Results of work several checks share (the write probe), by name.
        self.shared: dict[str, Any] = {}

    @property
    def client(self) -> BenchlingClient:
        if self._client is None:
            raise ConfigError(
                "Benchling is not configured: set BENCHLING_URL and BENCHLING_API_KEY (or "
                "BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET).",
                field="BENCHLING_URL",
            )
        return self._client

    def schema_map(self) -> SchemaMap:
        """The mapping file, validated (ConfigError naming the line when it is not)."""
        if self._schema_map is None:
            self._schema_map = load_schema_map(self.settings.map_path)
        return self._schema_map

    def tenant(self) -> TenantLookup:
        if self._tenant is None:
            self._tenant = CachedTenant(ClientTenant(self.client))
        return self._tenant
