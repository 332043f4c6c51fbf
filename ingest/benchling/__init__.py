"""The Benchling API client: the only code in the project that speaks HTTP to Benchling."""

from __future__ import annotations

from ingest.benchling.budget import RequestBudget, RequestPermit, budget_key
from ingest.benchling.client import BenchlingClient
from ingest.benchling.credentials import ApiKey, ClientCredentials, Credentials
from ingest.benchling.errors import ClientIdsNotKeptError
from ingest.benchling.hourly_pacer import PacingWait
from ingest.benchling.id_lookup import Lookup
from ingest.benchling.limiter import RequestLimiter
from ingest.benchling.models import Entry, StorageItem, StorageKind
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.settings import ClientSettings, RateLimit
from ingest.benchling.stats import ClientStats

__all__ = [
    "ApiKey",
    "BenchlingClient",
    "ClientCredentials",
    "ClientIdsNotKeptError",
    "ClientSettings",
    "ClientStats",
    "Credentials",
    "Entry",
    "Lookup",
    "PacingWait",
    "RateLimit",
    "RequestBudget",
    "RequestLimiter",
    "RequestPermit",
    "RetryPolicy",
    "StorageItem",
    "StorageKind",
    "budget_key",
]
