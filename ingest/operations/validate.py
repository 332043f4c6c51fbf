"""``validate``: a file's RunPlan without any write, its JSON form, and how the tenant settings shape it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ingest.errors import IngestError, ResolveError
from ingest.ledger.plan_codec import body_to_json
from ingest.models import RunPlan
from ingest.resolve import load_schema_map
from ingest.resolve.coercion import format_datetime

#: The moment shown as an example of the datetime form.
_EXAMPLE = "2022-03-18T17:14:35"


def plan_document(plan: RunPlan) -> dict[str, Any]:
    """The plan as JSON: the run and result bodies as they would be sent, a ``{"$blob": key}`` marker
    where an uploaded blob's id will go, and how each link value was resolved."""
    return {
        "file": str(plan.source),
        "parser": plan.parser,
        "run": body_to_json(plan.run),
        "results": [body_to_json(r) for r in plan.results],
        "blobs": [{"key": b.key, "name": b.name, "type": b.blob_type} for b in plan.blobs],
        "links": [
            {"field": link.field, "given": link.given, "id": link.id, "item": link.label}
            for link in plan.links
        ],
        "warnings": list(plan.warnings),
    }


def problems_of(exc: IngestError) -> list[str]:
    """Every problem an error names: a resolve error lists each one, any other error is one problem."""
    return list(exc.problems) if isinstance(exc, ResolveError) and exc.problems else [exc.message]


def file_document(path: Path, plan: RunPlan | None, error: IngestError | None) -> dict[str, Any]:
    """One file of ``validate --json``: ``ok`` with its plan, or its stage, error type and problems."""
    if error is None and plan is not None:
        return {"file": str(path), "ok": True, "plan": plan_document(plan)}
    assert error is not None
    return {
        "file": str(path),
        "ok": False,
        "stage": error.stage,
        "error": type(error).__name__,
        "problems": problems_of(error),
    }


def validation_document(files: list[dict[str, Any]], *, requests: int, datetime_note: str) -> dict[str, Any]:
    """The whole ``validate --json`` answer: each file, the counts, and how datetimes are written."""
    return {
        "ok": all(f["ok"] for f in files),
        "checked": len(files),
        "with_problems": sum(not f["ok"] for f in files),
        "read_requests": requests,
        "writes": 0,
        "datetime_form": datetime_note,
        "files": files,
    }


def datetime_form_note(map_path: Path) -> str:
    """One sentence on how datetime fields are written (``tenant.datetime_format`` and the zone)."""
    schema_map = load_schema_map(map_path)
    form = schema_map.tenant.datetime_format
    example = format_datetime(
        dt.datetime.fromisoformat(_EXAMPLE).replace(tzinfo=schema_map.zone), schema_map.zone, form
    )
    zone = f" in {schema_map.timezone}" if form == "display_12h" else ""
    return (
        f"Datetime fields are written as {form}{zone} (e.g. {example}), per tenant.datetime_format in "
        f"{map_path}; `benchling-ingest doctor --write-probe PROJECT` checks which form the tenant takes."
    )
