"""The sandbox app driven in-process through httpx, with request helpers shared by its unit tests."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import httpx

from ingest.sandbox import Limits, SandboxConfig, create_app, inprocess_transport
from ingest.sandbox.state import SandboxState

TENANT = Path(__file__).resolve().parents[2] / "sample_data" / "tenant.yaml"
API_KEY = "sandbox-api-key"
SMALL_LIMITS = Limits(max_body_bytes=64_000, max_single_blob_bytes=1_000, min_part_bytes=100)


class Sandbox:
    """One in-process sandbox: an authenticated client, an anonymous one, the state and the clock."""

    def __init__(self, config: SandboxConfig) -> None:
        self.app = create_app(config)
        self.state: SandboxState = self.app.state.sandbox
        self.clock = config.clock
        transport = inprocess_transport(self.app)
        self.client = httpx.Client(transport=transport, base_url="http://sandbox/api/v2", auth=(API_KEY, ""))
        self.anonymous = httpx.Client(transport=transport, base_url="http://sandbox/api/v2")

    def close(self) -> None:
        self.client.close()
        self.anonymous.close()
        self.state.close()

    # Request helpers used across test modules.
    def create_run(self, **fields: Any) -> str:
        body = {
            "assayRuns": [{"schemaId": "assaysch_chromrun01", "fields": {"instrument": "LC-1", **fields}}]
        }
        response = self.client.post("/assay-runs", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["assayRuns"][0])

    def upload_blob(self, data: bytes = b"hello", blob_type: str = "RAW_FILE") -> str:
        body = {
            "name": "file.bin",
            "type": blob_type,
            "data64": base64.encodebytes(data).decode(),
            "md5": hashlib.md5(data).hexdigest(),
        }
        response = self.client.post("/blobs", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])


def result_item(run_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "schemaId": "assaysch_chromres01",
        "fields": {"run": run_id, "sample": "bfi_smp001", "retention_time_min": 1.5, **fields},
    }
