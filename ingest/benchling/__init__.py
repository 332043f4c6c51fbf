"""The Benchling API client: the only code in the project that speaks HTTP to Benchling."""

from __future__ import annotations

from ingest.benchling.client import BenchlingClient
from ingest.benchling.credentials import ApiKey, ClientCredentials, Credentials
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.settings import ClientSettings, RateLimit
from ingest.benchling.stats import ClientStats

__all__ = [
    "ApiKey",
    "BenchlingClient",
    "ClientCredentials",
    "ClientSettings",
    "ClientStats",
    "Credentials",
    "RateLimit",
    "RetryPolicy",
]
