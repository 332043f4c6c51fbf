"""A PostgreSQL ledger (and its request budget) that cannot be opened says why, at once: libpq's own
reason (a missing database, a refused connection), never only "the pool timed out", and never the
password."""

from __future__ import annotations

import pytest

from ingest.errors import LedgerUnavailableError
from ingest.ledger.postgres import PostgresLedger
from ingest.ledger.postgres_budget import PostgresRequestBudget
from tests.support.postgres import PostgresServer, free_port

PASSWORD = "S3cr%23tPW"  # percent-encoded, as a URL must carry it; libpq reads "S3cr#tPW"


def opening_errors(dsn: str) -> list[str]:
    messages = []
    with pytest.raises(LedgerUnavailableError) as ledger_error:
        PostgresLedger(dsn, connect_timeout=5)
    messages.append(ledger_error.value.message)
    with pytest.raises(LedgerUnavailableError) as budget_error:
        PostgresRequestBudget(dsn, key="tenant", requests=10, window_seconds=1.0)
    messages.append(budget_error.value.message)
    return messages


def test_a_missing_database_is_named(postgres_server: PostgresServer) -> None:
    dsn = postgres_server.dsn("no_such_ledger").replace("postgres@", f"postgres:{PASSWORD}@", 1)
    for message in opening_errors(dsn):
        assert 'database "no_such_ledger" does not exist' in message, message
        assert "S3cr" not in message and "***" in message


def test_a_refused_connection_is_named() -> None:
    dsn = f"postgresql://ingest:{PASSWORD}@127.0.0.1:{free_port()}/ledger"
    for message in opening_errors(dsn):
        assert "refused" in message.lower(), message
        assert "pool" not in message.lower()
        assert "S3cr" not in message
