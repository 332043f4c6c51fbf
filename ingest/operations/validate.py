"""``validate``: a file's RunPlan without any write, and its JSON form."""

from __future__ import annotations

from typing import Any

from ingest.ledger.plan_codec import body_to_json
from ingest.models import RunPlan


def plan_document(plan: RunPlan) -> dict[str, Any]:
    """The plan as JSON: the run and result bodies as they would be sent, a ``{"$blob": key}`` marker
    where an uploaded blob's id will go."""
    return {
        "file": str(plan.source),
        "parser": plan.parser,
        "run": body_to_json(plan.run),
        "results": [body_to_json(r) for r in plan.results],
        "blobs": [{"key": b.key, "name": b.name, "type": b.blob_type} for b in plan.blobs],
        "warnings": list(plan.warnings),
    }
