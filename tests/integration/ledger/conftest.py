"""PostgreSQL ledgers opened on the test's own database, each closed at the test's end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.ledger.postgres import PostgresLedger
from tests.support.postgres import Open


@pytest.fixture
def open_ledger(postgres_dsn: str) -> Iterator[Open]:
    opened: list[PostgresLedger] = []

    def make(**options: object) -> PostgresLedger:
        ledger = PostgresLedger(postgres_dsn, **options)  # type: ignore[arg-type]  # test options only
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()
