"""The seam between the client and whatever decides when a request may go: ``RequestBudget``.

Benchling counts requests per tenant (user API keys share one budget; each app has its own), so every
client spending from one budget must draw from the same count. One process uses the in-process
``RequestLimiter``; several processes or hosts use a budget they all share (the PostgreSQL ledger
provides one). The client knows only this protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

from ingest.benchling.credentials import ClientCredentials, Credentials


class RequestPermit(Protocol):
    def release(self, headers: Mapping[str, str] | None = None, *, rate_limited: bool = False) -> None:
        """The response (or failure) has arrived: give the permit back, with the response's headers
        (``x-rate-limit-remaining``/``-reset``) and whether it was a 429. Calling it twice does nothing."""
        ...


class RequestBudget(Protocol):
    def acquire(self) -> RequestPermit:
        """Wait until one more request may reach the server without exceeding the budget; its permit."""
        ...


def budget_key(base_url: str, credentials: Credentials) -> str:
    """The name of the Benchling budget these credentials spend from: the tenant (the lower-case host
    of its URL) and, for an app, the app (user API keys share the tenant's budget)."""
    host = (urlsplit(base_url).hostname or base_url).lower()
    if isinstance(credentials, ClientCredentials):
        return f"{host}|app:{credentials.client_id}"
    return f"{host}|api-keys"
