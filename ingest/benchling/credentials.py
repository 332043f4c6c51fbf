"""Credentials for Benchling: an API key or OAuth client credentials, never shown in a repr."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True)
class ApiKey:
    """A user or app API key, sent as HTTP Basic user name with an empty password."""

    key: SecretStr

    def __init__(self, key: str | SecretStr) -> None:
        object.__setattr__(self, "key", key if isinstance(key, SecretStr) else SecretStr(key))

    def secret_values(self) -> list[str]:
        return [self.key.get_secret_value()]

    def basic_header(self) -> str:
        """The ``Authorization`` header value for this key."""
        raw = f"{self.key.get_secret_value()}:".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class ClientCredentials:
    """An OAuth2 client (app) id and secret, exchanged for bearer tokens at ``/api/v2/token``."""

    client_id: str
    client_secret: SecretStr

    def __init__(self, client_id: str, client_secret: str | SecretStr) -> None:
        object.__setattr__(self, "client_id", client_id)
        secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        object.__setattr__(self, "client_secret", secret)

    def secret_values(self) -> list[str]:
        return [self.client_secret.get_secret_value()]

    def basic_header(self) -> str:
        """The ``Authorization`` header for the token request (id and secret as Basic auth)."""
        raw = f"{self.client_id}:{self.client_secret.get_secret_value()}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


Credentials = ApiKey | ClientCredentials
