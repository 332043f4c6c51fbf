"""Everything one running sandbox holds, reachable as ``app.state.sandbox``."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import weakref
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.sandbox.auth import TokenIssuer
from ingest.sandbox.blob_storage import BlobStorage
from ingest.sandbox.config import SandboxConfig
from ingest.sandbox.faults import FaultInjector, FaultSpec
from ingest.sandbox.page_tokens import PageTokenExpirer
from ingest.sandbox.rate_limit import HourlyCap, RateLimiter
from ingest.sandbox.store import Store
from ingest.sandbox.variants import Variants


@dataclass(frozen=True)
class RequestLogEntry:
    """One answered request; ``arrived_at`` is the wall-clock time it arrived (None when not known)."""

    method: str
    path: str
    status: int
    arrived_at: float | None = None


class RequestLog:
    """What the sandbox answered (method, path, status), newest last; bounded to keep memory flat."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._entries: deque[RequestLogEntry] = deque(maxlen=max_entries)
        self._counts: Counter[tuple[str, str, int]] = Counter()
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int, *, arrived_at: float | None = None) -> None:
        with self._lock:
            self._entries.append(RequestLogEntry(method, path, status, arrived_at))
            self._counts[(method, path, status)] += 1

    def entries(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._entries)

    def count(self, method: str | None = None, path: str | None = None, status: int | None = None) -> int:
        """How many requests matched (None = any); counts are exact even when entries were trimmed."""
        with self._lock:
            return sum(
                n
                for (m, p, s), n in self._counts.items()
                if (method is None or m == method)
                and (path is None or p == path)
                and (status is None or s == status)
            )


class SandboxState:
    """The store, blob files, tokens, rate limiter, faults and request log of one sandbox app."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.tenant = config.tenant
        self.clock = config.clock
        self.store = Store(config.state_file)
        blob_dir = config.blob_dir
        self._cleanup: weakref.finalize[Any, Any] | None = None
        if blob_dir is None and config.state_file is not None:
            blob_dir = config.state_file.with_name(config.state_file.name + ".blobs")
        if blob_dir is None:
            blob_dir = Path(tempfile.mkdtemp(prefix="benchling-sandbox-blobs-"))
            # Removed on close(), or when the state is garbage collected (no ResourceWarning either way).
            self._cleanup = weakref.finalize(self, shutil.rmtree, blob_dir, True)
        self.blobs = BlobStorage(blob_dir)
        self.tokens = TokenIssuer(config.oauth_clients, config.token_ttl_seconds, config.clock)
        self.variants: Variants = config.variants
        self.rate_limiter = RateLimiter(
            config.rate_limit,
            config.clock,
            scope=config.variants.rate_limit_scope,
            app_limit=config.app_rate_limit,
            all_apps_limit=config.all_apps_rate_limit,
        )
        self.page_tokens = PageTokenExpirer(config.variants.page_token_expiry)
        self.results_cap = HourlyCap(config.variants.results_hourly_cap, config.clock)
        self.request_log = RequestLog()
        self.download_secret = secrets.token_bytes(32)
        self._faults_lock = threading.Lock()
        self._faults = FaultInjector(config.faults, config.seed, config.clock.monotonic())
        self._api_keys = config.api_keys

    @property
    def api_keys(self) -> tuple[str, ...]:
        """The user API keys accepted now (``config.api_keys`` until changed by ``set_api_keys``)."""
        with self._faults_lock:
            return self._api_keys

    def set_api_keys(self, keys: tuple[str, ...]) -> None:
        """Accept these keys from now on (a test's stand-in for a key created or granted access later);
        in-process only, never an endpoint: it is no part of Benchling's API."""
        with self._faults_lock:
            self._api_keys = tuple(keys)

    @property
    def faults(self) -> FaultInjector:
        with self._faults_lock:
            return self._faults

    def set_faults(self, spec: FaultSpec) -> None:
        """Replace the fault configuration; scripts, RNG and maintenance window restart now."""
        with self._faults_lock:
            self._faults = FaultInjector(spec, self.config.seed, self.clock.monotonic())

    def close(self) -> None:
        self.store.close()
        if self._cleanup is not None:
            self._cleanup()
