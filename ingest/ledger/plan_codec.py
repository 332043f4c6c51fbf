"""RunPlan <-> JSON for the ledger: the plan is stored before the first write so a resumed file sends
exactly the same bodies and client ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from ingest.models import BlobType, BlobUpload, RunPlan


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
        "run": dict(plan.run),
        "results": [dict(r) for r in plan.results],
        "blobs": blobs,
        "warnings": list(plan.warnings),
        "skipped_rows": list(plan.skipped_rows),
    }


def plan_from_json(data: dict[str, Any]) -> RunPlan:
    return RunPlan(
        source=Path(data["source"]),
        sha256=data["sha256"],
        parser=data["parser"],
        run=data["run"],
        results=tuple(data["results"]),
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
    )


def fill_blob_ids(value: Any, blob_ids: dict[str, str]) -> Any:
    """Replace every ``{"$blob": key}`` marker with the uploaded blob's id."""
    if isinstance(value, dict):
        if set(value) == {"$blob"}:
            key = value["$blob"]
            if key not in blob_ids:
                raise KeyError(f"blob '{key}' has not been uploaded")
            return blob_ids[key]
        return {k: fill_blob_ids(v, blob_ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_blob_ids(v, blob_ids) for v in value]
    return value
