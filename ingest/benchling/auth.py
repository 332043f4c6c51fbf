"""Authorization headers: a fixed one for API keys, refreshed bearer tokens for OAuth clients."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, SecretStr

from ingest.benchling.credentials import ApiKey, ClientCredentials, Credentials
from ingest.errors import BenchlingAuthError


class Authenticator(Protocol):
    def header(self) -> str:
        """The current ``Authorization`` header value."""

    def invalidate(self) -> bool:
        """Forget a token the server refused; True when a fresh one can be fetched (OAuth only)."""


class AccessToken(BaseModel):
    """The token endpoint's answer (RFC 6749 names)."""

    access_token: SecretStr
    token_type: str
    expires_in: int = 900


class ApiKeyAuthenticator:
    def __init__(self, key: ApiKey) -> None:
        self._header = key.basic_header()

    def __repr__(self) -> str:
        return "ApiKeyAuthenticator(key=**********)"

    def header(self) -> str:
        return self._header

    def invalidate(self) -> bool:
        return False


TokenFetcher = Callable[[ClientCredentials], AccessToken]


class OAuthAuthenticator:
    """Fetches a token when none is held or the held one is about to expire; thread-safe.

    Refreshes ``clamp(10 % of lifetime, 1 s, 60 s)`` before expiry, as the official SDK does, so a
    token never expires in flight.
    """

    def __init__(
        self, credentials: ClientCredentials, fetch: TokenFetcher, clock: Callable[[], float]
    ) -> None:
        self._credentials = credentials
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: SecretStr | None = None
        self._refresh_at = 0.0

    def __repr__(self) -> str:
        return f"OAuthAuthenticator(client_id={self._credentials.client_id!r}, token=**********)"

    def header(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                token = self._fetch(self._credentials)
                if token.token_type.lower() != "bearer":
                    raise BenchlingAuthError(
                        f"Benchling's token endpoint issued a {token.token_type!r} token; expected 'Bearer'.",
                        method="POST",
                        path="/token",
                    )
                margin = min(60.0, max(1.0, token.expires_in * 0.1))
                self._token = token.access_token
                self._refresh_at = self._clock() + max(0.0, token.expires_in - margin)
            return "Bearer " + self._token.get_secret_value()

    def invalidate(self) -> bool:
        with self._lock:
            self._token = None
        return True


def authenticator_for(
    credentials: Credentials, fetch: TokenFetcher, clock: Callable[[], float]
) -> Authenticator:
    if isinstance(credentials, ApiKey):
        return ApiKeyAuthenticator(credentials)
    return OAuthAuthenticator(credentials, fetch, clock)
