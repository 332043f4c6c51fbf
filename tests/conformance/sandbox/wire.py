"""Ids of the demo tenant (sample_data/tenant.yaml), request-body builders and error-body reading for the
sandbox conformance tests."""

from __future__ import annotations

import base64
import hashlib
import uuid
from pathlib import Path
from typing import Any

import yaml

RUN_SCHEMA = "assaysch_chromrun01"
RESULT_SCHEMA = "assaysch_chromres01"
PLATE_RUN_SCHEMA = "assaysch_platerun01"
PLATE_RESULT_SCHEMA = "assaysch_plateres01"
REGISTRY = "src_samplereg"
PROJECT = "src_lcproj01"
SAMPLE = "bfi_smp001"

_TENANT = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "sample_data" / "tenant.yaml").read_text(encoding="utf-8")
)
#: Every run and result schema id of the demo tenant (it grows as techniques are added).
RUN_SCHEMAS = frozenset(s["id"] for s in _TENANT["assay_run_schemas"])
RESULT_SCHEMAS = frozenset(s["id"] for s in _TENANT["assay_result_schemas"])


def blob_body(data: bytes, name: str = "trace.csv", *, md5: str | None = None) -> dict[str, Any]:
    """A POST /blobs body for ``data`` (base64 without line breaks, hex md5 of the raw bytes)."""
    return {
        "name": name,
        "type": "RAW_FILE",
        "mimeType": "text/csv",
        "data64": base64.b64encode(data).decode("ascii"),
        "md5": md5 or hashlib.md5(data).hexdigest(),
    }


def error_text(body: dict[str, Any]) -> str:
    """Every human-readable string of an error body (envelope or bulk-create ``errors`` list), joined."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                parts.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return " | ".join(parts)


def run_create(fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An AssayRunCreate for the chromatography run schema with its one required field filled."""
    return {"schemaId": RUN_SCHEMA, "fields": {"instrument": "LC-01", **(fields or {})}, **extra}


def result_create(run_id: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An AssayResultCreate for the chromatography result schema with its required fields filled."""
    base = {"run": run_id, "sample": SAMPLE, "retention_time_min": 1.25}
    return {"schemaId": RESULT_SCHEMA, "fields": {**base, **(fields or {})}, **extra}


def new_uuid() -> str:
    return str(uuid.uuid4())
