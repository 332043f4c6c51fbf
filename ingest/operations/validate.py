"""``validate``: a file's RunPlan without any write, its JSON form, and how the tenant settings shape it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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
