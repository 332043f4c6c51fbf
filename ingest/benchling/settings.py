"""Client settings read from an environment mapping (a pure function of the mapping given)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.benchling.credentials import ApiKey, ClientCredentials, Credentials
from ingest.errors import ConfigError, looks_secret, shown_setting

_RATE_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")
#: Benchling's documented throughput cap on POST /assay-results.
DEFAULT_RESULTS_PER_HOUR = 10_000


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` requests in any ``window_seconds`` window (Benchling default: 60 per 30 s)."""

    requests: int = 60
    window_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.requests < 1 or self.window_seconds <= 0:
            raise ConfigError(
                f"Rate limit {self.requests}/{self.window_seconds} is invalid; expected at least one "
                "request per positive number of seconds."
            )

    @classmethod
    def parse(cls, text: str, *, field: str = "BENCHLING_RATE_LIMIT") -> RateLimit:
        """Parse ``"60/30"`` (requests per seconds)."""
        match = _RATE_LIMIT.match(text)
        if not match:
            raise ConfigError(
                f"{field} is {shown_setting(text)}; expected '<requests>/<seconds>', for example '60/30'.",
                field=field,
            )
        return cls(int(match.group(1)), float(match.group(2)))


@dataclass(frozen=True)
class ClientSettings:
    """What a :class:`BenchlingClient` needs from configuration."""

    base_url: str
    credentials: Credentials
    rate_limit: RateLimit = RateLimit()
    #: ``POST /assay-results`` requests per rolling hour the client allows itself (Benchling: 10,000).
    results_per_hour: int = DEFAULT_RESULTS_PER_HOUR

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ClientSettings:
        """Read ``BENCHLING_URL``, ``BENCHLING_API_KEY`` or ``BENCHLING_CLIENT_ID`` +
        ``BENCHLING_CLIENT_SECRET``, ``BENCHLING_RATE_LIMIT`` (``"60/30"``) and
        ``BENCHLING_RESULTS_PER_HOUR`` (``"10000"``) from ``environ``.

        Raises ``ConfigError`` naming the variable when one is missing or malformed; the error never
        contains a secret's value.
        """
        url = environ.get("BENCHLING_URL", "").strip()
        if not url:
            raise ConfigError(
                "BENCHLING_URL is not set; expected the tenant URL, e.g. https://tenant.benchling.com.",
                field="BENCHLING_URL",
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            swapped = "" if "://" in url else " (are BENCHLING_URL and BENCHLING_API_KEY swapped?)"
            raise ConfigError(
                f"BENCHLING_URL is {shown_setting(url)}; expected an http(s) URL such as "
                f"https://tenant.benchling.com{swapped}.",
                field="BENCHLING_URL",
            )
        if "@" in parts.netloc:
            raise ConfigError(
                "BENCHLING_URL carries a user name or password (not shown); expected the bare tenant URL, "
                "such as https://tenant.benchling.com, with the credentials in BENCHLING_API_KEY or "
                "BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET.",
                field="BENCHLING_URL",
            )
        key = environ.get("BENCHLING_API_KEY", "").strip()
        client_id = environ.get("BENCHLING_CLIENT_ID", "").strip()
        client_secret = environ.get("BENCHLING_CLIENT_SECRET", "").strip()
        beyond_host = re.split(r"[/?#&=;:]", url.split(parts.netloc, 1)[-1])
        secrets_in_url = any(s and s in url for s in (key, client_secret))
        if secrets_in_url or any(looks_secret(part) for part in beyond_host):
            raise ConfigError(
                f"BENCHLING_URL is '{parts.scheme}://{parts.netloc}' followed by what looks like a key (not "
                "shown); expected the bare tenant URL, such as https://tenant.benchling.com, with the "
                "credentials in BENCHLING_API_KEY or BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET.",
                field="BENCHLING_URL",
            )
        credentials: Credentials
        if key and (client_id or client_secret):
            raise ConfigError(
                "Both BENCHLING_API_KEY and BENCHLING_CLIENT_ID/BENCHLING_CLIENT_SECRET are set; expected "
                "exactly one way to authenticate.",
                field="BENCHLING_API_KEY",
            )
        if key:
            credentials = ApiKey(key)
        elif client_id and client_secret:
            credentials = ClientCredentials(client_id, client_secret)
        elif client_id or client_secret:
            missing = "BENCHLING_CLIENT_SECRET" if client_id else "BENCHLING_CLIENT_ID"
            raise ConfigError(
                f"{missing} is not set; OAuth needs both BENCHLING_CLIENT_ID and BENCHLING_CLIENT_SECRET.",
                field=missing,
            )
        else:
            raise ConfigError(
                "No Benchling credentials are set; expected BENCHLING_API_KEY, or BENCHLING_CLIENT_ID "
                "and BENCHLING_CLIENT_SECRET.",
                field="BENCHLING_API_KEY",
            )
        limit_text = environ.get("BENCHLING_RATE_LIMIT", "").strip()
        rate_limit = RateLimit.parse(limit_text) if limit_text else RateLimit()
        hourly_text = environ.get("BENCHLING_RESULTS_PER_HOUR", "").strip()
        if hourly_text and not (hourly_text.isdigit() and int(hourly_text) >= 1):
            raise ConfigError(
                f"BENCHLING_RESULTS_PER_HOUR is {shown_setting(hourly_text)}; expected a whole number of "
                "requests of at least 1, for example '10000'.",
                field="BENCHLING_RESULTS_PER_HOUR",
            )
        return cls(
            base_url=url.rstrip("/"),
            credentials=credentials,
            rate_limit=rate_limit,
            results_per_hour=int(hourly_text) if hourly_text else DEFAULT_RESULTS_PER_HOUR,
        )
