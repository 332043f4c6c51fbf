"""Opening a PostgreSQL ledger's first connection, so that a failure says why.

A connection pool that cannot connect only reports that it timed out, after its whole timeout, and
logs the reason as a warning few people see. The ledger and the request budget therefore connect once
directly first (migrating the schema on that connection): a wrong password, a missing database or a
closed port fails at once with libpq's own reason, with any password masked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from ingest.ledger.location import dsn_secrets


@contextmanager
def first_connection(dsn: str, *, timeout: float) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(dsn, autocommit=True, connect_timeout=max(1, round(timeout))) as conn:
        yield conn


def reason_of(exc: BaseException, dsn: str, *, also_hide: Sequence[str] = ()) -> str:
    """libpq's reason for a failure, first line only, without any password the URL carries."""
    text = str(exc).strip()
    reason = text.splitlines()[0].strip() if text else type(exc).__name__
    for secret in [*dsn_secrets(dsn), *also_hide]:
        if secret:
            reason = reason.replace(secret, "***")
    return reason.rstrip(".")
