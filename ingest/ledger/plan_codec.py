"""RunPlan <-> JSON for the ledger: the plan is stored before the first write so a resumed file sends
exactly the same bodies and client ids.

The stored form is the one earlier versions wrote (a ledger they left behind still opens): each body
as its create request, with a ``{"$blob": key}`` marker wherever a blob id belongs. This module is the
only place that knows the marker; in memory a blob's place is a typed :class:`~ingest.models.BlobRef`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from ingest.models import BlobRef, BlobType, BlobUpload, ContentPin, PlannedObject, RunPlan

_MARKER = "$blob"


def plan_to_json(plan: RunPlan) -> dict[str, Any]:
    """A JSON-ready dict; blobs with in-memory content must have been written to a file first."""
    blobs = []
    for blob in plan.blobs:
        if blob.path is None:
            raise ValueError(
                f"blob '{blob.key}' has no file; write its content to disk before storing the plan"
            )
        blobs.append(
            {
                "key": blob.key,
                "name": blob.name,
                "blob_type": blob.blob_type,
                "mime_type": blob.mime_type,
                "path": str(blob.path),
            }
        )
    return {
        "source": str(plan.source),
        "sha256": plan.sha256,
        "parser": plan.parser,
        "run": body_to_json(plan.run),
        "results": [body_to_json(r) for r in plan.results],
        "blobs": blobs,
        "warnings": list(plan.warnings),
        "skipped_rows": list(plan.skipped_rows),
        "pins": [{"path": str(pin.path), "sha256": pin.sha256} for pin in plan.pins],
    }


def plan_from_json(data: Mapping[str, Any]) -> RunPlan:
    return RunPlan(
        source=Path(data["source"]),
        sha256=data["sha256"],
        parser=data["parser"],
        run=_body_from_json(data["run"]),
        results=tuple(_body_from_json(r) for r in data["results"]),
        blobs=tuple(
            BlobUpload(
                key=b["key"],
                name=b["name"],
                blob_type=cast(BlobType, b["blob_type"]),
                mime_type=b["mime_type"],
                path=Path(b["path"]),
            )
            for b in data["blobs"]
        ),
        warnings=tuple(data.get("warnings", ())),
        skipped_rows=tuple(data.get("skipped_rows", ())),
        pins=tuple(ContentPin(Path(p["path"]), str(p["sha256"])) for p in data.get("pins", ())),
    )


def body_to_json(planned: PlannedObject) -> dict[str, Any]:
    """The create body of a planned run or result, with a ``{"$blob": key}`` marker per blob."""
    body: dict[str, Any] = {
        "id": planned.id,
        "schemaId": planned.schema_id,
        "fields": _encode(planned.fields),
    }
    if planned.project_id:
        body["projectId"] = planned.project_id
    return body


def _body_from_json(body: Mapping[str, Any]) -> PlannedObject:
    return PlannedObject(
        id=str(body["id"]),
        schema_id=str(body["schemaId"]),
        fields=_decode(body.get("fields", {})),
        project_id=body.get("projectId"),
    )


def _encode(value: Any) -> Any:
    if isinstance(value, BlobRef):
        return {_MARKER: value.key}
    if isinstance(value, Mapping):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_MARKER}:
            return BlobRef(str(value[_MARKER]))
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
