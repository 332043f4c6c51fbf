"""The ledger stage: every file version's state and remote ids, saved before each step depends on it.

``Ledger`` is the interface (``interface.py``); ``SqliteLedger`` the backend for one machine;
``ingest.ledger.postgres.PostgresLedger`` the one several hosts share (imported from its module, so that
psycopg loads only where it is used), with ``postgres_budget`` their shared request budget; ``migrations``
the schema history of both; ``plan_codec`` the stored form of a RunPlan.
"""

from __future__ import annotations

from ingest.ledger.forcings import Forcing
from ingest.ledger.interface import Ledger
from ingest.ledger.records import (
    INFLIGHT_STEPS,
    STATES,
    TERMINAL,
    FileRecord,
    InflightStep,
    State,
)
from ingest.ledger.sqlite import SqliteLedger

__all__ = [
    "INFLIGHT_STEPS",
    "STATES",
    "TERMINAL",
    "FileRecord",
    "Forcing",
    "InflightStep",
    "Ledger",
    "SqliteLedger",
    "State",
]
