"""Ids of the demo tenant, a fast retry policy and request bodies for the client's integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ingest.benchling import BenchlingClient, RetryPolicy
from ingest.sandbox import SandboxServer

RUN_SCHEMA = "assaysch_chromrun01"
RESULT_SCHEMA = "assaysch_chromres01"
PROJECT = "src_lcproj01"

FAST = RetryPolicy(
    initial_backoff=0.01,
    max_backoff=0.05,
    jitter=0.01,
    max_attempts=8,
    rate_limited_attempts=200,
    maintenance_patience_seconds=30.0,
)

#: ``start_sandbox(**SandboxConfig overrides)`` and ``make_client(server, oauth=False, **client options)``.
SandboxFactory = Callable[..., SandboxServer]
ClientFactory = Callable[..., BenchlingClient]


def run_body(**fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "schemaId": RUN_SCHEMA,
        "projectId": PROJECT,
        "fields": {"instrument": "HPLC-01", **fields},
    }


def result_body(run_id: str, index: int = 0) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "schemaId": RESULT_SCHEMA,
        "projectId": PROJECT,
        "fields": {
            "run": run_id,
            "sample": f"bfi_smp{(index % 20) + 1:03d}",
            "retention_time_min": 1.0 + index / 100,
        },
    }
