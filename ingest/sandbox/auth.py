"""Who is calling: API keys (Basic, empty password) and OAuth2 client-credentials bearer tokens."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.sandbox.clock import Clock
from ingest.sandbox.envelopes import unauthorized

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Credential:
    """The authenticated caller; ``key`` identifies it for rate limiting without holding the secret;
    ``kind`` is ``user`` for API keys and ``app`` for OAuth clients (they have different budgets)."""

    key: str
    kind: str = "user"


class TokenIssuer:
    """Issues and checks bearer tokens; expiry follows the injected clock."""

    def __init__(self, clients: Mapping[str, str], ttl_seconds: int, clock: Clock) -> None:
        self._clients = dict(clients)
        self._ttl = ttl_seconds
        self._clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def client_is_valid(self, client_id: str, secret: str) -> bool:
        expected = self._clients.get(client_id)
        return expected is not None and hmac.compare_digest(expected.encode(), secret.encode())

    def issue(self, client_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (client_id, self._clock.monotonic() + self._ttl)
        return token

    def client_for(self, token: str) -> str | None:
        """The client id of a valid, unexpired token, else None."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            client_id, expires_at = entry
            if self._clock.monotonic() >= expires_at:
                del self._tokens[token]
                return None
            return client_id


def decode_basic(header_value: str) -> tuple[str, str] | None:
    """``Basic base64(user:password)`` → (user, password), or None when malformed."""
    scheme, _, encoded = header_value.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def authenticate(authorization: str | None, api_keys: tuple[str, ...], tokens: TokenIssuer) -> Credential:
    """Check an ``Authorization`` header; raises a 401 ``ApiError`` in Benchling's envelope."""
    if not authorization:
        raise unauthorized("Authentication required: send an API key (HTTP Basic) or a Bearer token.")
    scheme = authorization.partition(" ")[0].lower()
    if scheme == "bearer":
        client_id = tokens.client_for(authorization.partition(" ")[2].strip())
        if client_id is None:
            raise unauthorized("The Bearer token is invalid or has expired; request a new one from /token.")
        return Credential(f"client:{client_id}", kind="app")
    if scheme == "basic":
        pair = decode_basic(authorization)
        if pair is None:
            raise unauthorized("The Basic authorization header is malformed; expected base64 of 'API_KEY:'.")
        user, password = pair
        if password != "":
            raise unauthorized("API key authentication takes the key as user name and an empty password.")
        for index, key in enumerate(api_keys):
            if hmac.compare_digest(key.encode(), user.encode()):
                return Credential(f"api-key:{index}")
        raise unauthorized("The API key is not valid for this tenant.")
    raise unauthorized(f"Authorization scheme '{scheme}' is not supported; use Basic or Bearer.")
