"""The sandbox's frozen configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ingest.errors import ConfigError
from ingest.sandbox.clock import Clock, SystemClock
from ingest.sandbox.faults import FaultSpec
from ingest.sandbox.tenant import Tenant, load_tenant
from ingest.sandbox.variants import Variants

MB = 1024 * 1024


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``window_seconds`` per budget; fixed windows unless ``sliding``."""

    requests: int = 60
    window_seconds: float = 30.0
    sliding: bool = False

    def __post_init__(self) -> None:
        if self.requests < 1 or self.window_seconds <= 0:
            raise ConfigError(
                f"A rate limit needs at least 1 request per positive window, got "
                f"{self.requests}/{self.window_seconds}."
            )

    @classmethod
    def parse(cls, text: str) -> RateLimit | None:
        """``"60/30"`` (fixed), ``"60/30/sliding"`` or ``"off"`` (None)."""
        if text.strip().lower() == "off":
            return None
        parts = text.strip().split("/")
        try:
            if len(parts) in (2, 3) and (len(parts) == 2 or parts[2] in ("fixed", "sliding")):
                return cls(int(parts[0]), float(parts[1]), sliding=len(parts) == 3 and parts[2] == "sliding")
        except ValueError:
            pass
        raise ConfigError(
            f"Rate limit '{text}' is not understood; "
            "expected REQUESTS/SECONDS[/sliding] such as 60/30, or off."
        )


@dataclass(frozen=True)
class Limits:
    """Size limits; the defaults are Benchling's. Tests shrink them to exercise the rules cheaply."""

    max_body_bytes: int = 100 * MB
    max_single_blob_bytes: int = 10 * MB
    min_part_bytes: int = 5 * MB
    max_results_per_create: int = 100
    max_results_per_bulk_create: int = 4000
    max_page_size: int = 100


@dataclass(frozen=True)
class SandboxConfig:
    """Everything the sandbox needs; build with :meth:`from_tenant_file` or directly in tests."""

    tenant: Tenant
    api_keys: tuple[str, ...] = ("sandbox-api-key",)
    oauth_clients: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({"sandbox-client": "sandbox-secret"})
    )
    #: User API keys' budget (one per tenant, or per key under ``rate_limit_scope=credential``); None
    #: switches every request-rate limit off. The hourly results cap is a variant and stays on.
    rate_limit: RateLimit | None = RateLimit()
    #: Each app's (OAuth client's) budget under ``rate_limit_scope=tenant`` (Benchling: 300 per 30 s).
    app_rate_limit: RateLimit = RateLimit(300, 30.0)
    #: All apps of the tenant together under ``rate_limit_scope=tenant`` (1000 per 30 s; not in headers).
    all_apps_rate_limit: RateLimit = RateLimit(1000, 30.0)
    #: Behaviour where Benchling is undocumented (see ``variants.py`` and the README).
    variants: Variants = field(default_factory=Variants)
    faults: FaultSpec = field(default_factory=FaultSpec)
    state_file: Path | None = None
    token_ttl_seconds: int = 900
    clock: Clock = field(default_factory=SystemClock)
    seed: int = 0
    limits: Limits = Limits()
    #: Polls of ``GET /tasks/{id}`` that answer RUNNING before a bulk-create task runs (0 = at once).
    task_running_polls: int = 0
    #: Lifetime of presigned blob download URLs.
    download_url_ttl_seconds: int = 600
    #: Directory for blob bytes; default: next to ``state_file``, else a temporary directory.
    blob_dir: Path | None = None

    def __repr__(self) -> str:
        # Client secrets stay out of reprs and logs.
        return (
            f"SandboxConfig(api_keys={len(self.api_keys)} key(s), "
            f"oauth_clients={sorted(self.oauth_clients)}, "
            f"rate_limit={self.rate_limit}, variants={self.variants.changed()}, "
            f"state_file={self.state_file}, clock={self.clock!r})"
        )

    @classmethod
    def from_tenant_file(cls, path: Path, **overrides: Any) -> SandboxConfig:
        return cls(tenant=load_tenant(path), **overrides)

    def with_changes(self, **changes: Any) -> SandboxConfig:
        return replace(self, **changes)
