"""Check run/result ``fields`` against a schema and render them in Benchling's Field response form.

Both request forms are accepted: plain values (``{"area": 1.5}``) and Field objects (``{"area":
{"value": 1.5}}``). A ``None`` value counts as absent. Datetime values must be in the form the
``datetime`` variant names (RFC 3339, or Benchling's 12-hour display form); the other is refused.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from typing import Any

from ingest.sandbox.store import Store
from ingest.sandbox.tenant import AssaySchema, FieldDefinition, Tenant
from ingest.sandbox.variants import DatetimeForm

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DISPLAY_12H = re.compile(r"^\d{4}-\d{2}-\d{2} (0[1-9]|1[0-2]):[0-5]\d:[0-5]\d (AM|PM)$")


def check_fields(
    schema: AssaySchema,
    raw_fields: Any,
    tenant: Tenant,
    store: Store,
    *,
    datetime_form: DatetimeForm = "rfc3339",
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values by field name, problems by field name). Values are normalized (e.g. 3.0 → 3 for integers)."""
    if not isinstance(raw_fields, dict):
        return {}, {
            "fields": f"must be an object keyed by field system name, got {type(raw_fields).__name__}"
        }
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    known = {f.name for f in schema.fields}
    for name in raw_fields:
        if name not in known:
            problems[name] = (
                f"'{name}' is not a field of schema {schema.id} ({schema.name}); "
                f"field keys are system names: {sorted(known)}"
            )
    for field in schema.fields:
        raw = raw_fields.get(field.name)
        if isinstance(raw, dict) and "value" in raw:
            raw = raw["value"]
        if raw is None:
            if field.required:
                problems[field.name] = (
                    f"field '{field.name}' is required by schema {schema.id} and is missing"
                )
            continue
        problem = _check_value(field, raw, tenant, store, datetime_form)
        if problem is not None:
            problems[field.name] = f"field '{field.name}' ({field.type}): {problem}"
        else:
            values[field.name] = _normalize(field, raw)
    return values, problems


def _normalize(field: FieldDefinition, raw: Any) -> Any:
    if field.type == "integer":
        return int(raw)
    return raw


def _check_value(
    field: FieldDefinition, raw: Any, tenant: Tenant, store: Store, datetime_form: DatetimeForm
) -> str | None:
    if field.multi:
        if not isinstance(raw, list) or not raw:
            return f"isMulti fields take a non-empty list of values, got {json.dumps(raw)}"
        for item in raw:
            problem = _check_single(field, item, tenant, store, datetime_form)
            if problem is not None:
                return problem
        return None
    if isinstance(raw, list):
        return f"the field is not isMulti, so a single value is expected, got the list {json.dumps(raw)}"
    return _check_single(field, raw, tenant, store, datetime_form)


def _check_single(
    field: FieldDefinition, raw: Any, tenant: Tenant, store: Store, datetime_form: DatetimeForm
) -> str | None:
    kind = field.type
    shown = json.dumps(raw)
    if kind in ("text", "long_text"):
        return None if isinstance(raw, str) else f"expected a string, got {shown}"
    if kind == "boolean":
        return None if isinstance(raw, bool) else f"expected true or false, got {shown}"
    if kind == "float":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            return f"expected a finite number, got {shown}"
        return None
    if kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            return f"expected an integer, got {shown}"
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            return f"expected an integer, got {shown} which has a fractional part"
        return None
    if kind == "date":
        return _check_date(raw)
    if kind == "datetime":
        return _check_datetime(raw, datetime_form)
    if kind == "json":
        if isinstance(raw, str):
            try:
                json.loads(raw)
            except ValueError:
                return f"expected JSON (an object, or a string holding JSON), got {shown}"
        return None
    if not isinstance(raw, str):
        return f"expected an id string, got {shown}"
    if kind == "dropdown":
        dropdown = tenant.dropdown(field.dropdown or "")
        options = dropdown.options if dropdown is not None else ()
        if not any(o.id == raw for o in options):
            listed = ", ".join(f"{o.id} ({o.name})" for o in options)
            return f"'{raw}' is not an option id of dropdown {field.dropdown}; options are: {listed}"
        return None
    if kind in ("entity_link", "custom_entity_link"):
        entity = tenant.entity(raw)
        if entity is None:
            return f"entity '{raw}' does not exist (link values are API ids such as bfi_…, not registry ids)"
        if field.schema_id is not None and entity.schema_id != field.schema_id:
            return f"entity '{raw}' has schema {entity.schema_id}, expected {field.schema_id}"
        return None
    if kind == "blob_link":
        record = store.get("blobs", raw)
        if record is None:
            return f"blob '{raw}' does not exist"
        status = record["doc"]["uploadStatus"]
        return None if status == "COMPLETE" else f"blob '{raw}' is {status}, expected COMPLETE"
    if kind == "assay_run_link":
        run = store.get("runs", raw)
        if run is None:
            return f"assay run '{raw}' does not exist"
        if run["doc"]["schema"]["id"] != field.schema_id:
            return f"assay run '{raw}' has schema {run['doc']['schema']['id']}, expected {field.schema_id}"
        return None
    if kind == "storage_link":
        item = tenant.storage_item(raw)
        if item is None:
            return (
                f"storage item '{raw}' does not exist (link values are ids such as con_…, box_…, plt_…, "
                "loc_…, not barcodes or names)"
            )
        if field.schema_id is not None and item.schema_id != field.schema_id:
            return f"{item.kind} '{raw}' has schema {item.schema_id}, expected {field.schema_id}"
        return None
    if kind == "entry_link":
        entry = tenant.entry(raw)
        if entry is None:
            return f"entry '{raw}' does not exist (link values are ids such as etr_…, not display ids)"
        if field.schema_id is not None and entry.schema_id != field.schema_id:
            return f"entry '{raw}' has schema {entry.schema_id}, expected {field.schema_id}"
        return None
    return f"field type {kind} is not supported by the sandbox"


def _check_date(raw: Any) -> str | None:
    if isinstance(raw, str) and _DATE.match(raw):
        try:
            date.fromisoformat(raw)
            return None
        except ValueError:
            pass
    return f"expected a date YYYY-MM-DD, got {json.dumps(raw)}"


def _check_datetime(raw: Any, form: DatetimeForm) -> str | None:
    if isinstance(raw, str):
        try:
            if form == "rfc3339" and _RFC3339.match(raw):
                datetime.fromisoformat(raw.replace("Z", "+00:00"))
                return None
            if form == "display_12h" and _DISPLAY_12H.match(raw):
                datetime.strptime(raw, "%Y-%m-%d %I:%M:%S %p")
                return None
        except ValueError:
            pass
    if form == "display_12h":
        return f"expected a date-time such as 2022-03-18 05:14:35 PM, got {json.dumps(raw)}"
    return (
        f"expected an RFC 3339 date-time with offset such as 2024-05-01T13:45:00+02:00, got {json.dumps(raw)}"
    )


def render_fields(
    schema: AssaySchema, values: dict[str, Any], tenant: Tenant, store: Store
) -> dict[str, Any]:
    """Every schema field in the response form ``{value, displayValue, isMulti, textValue, type}``."""
    rendered: dict[str, Any] = {}
    for field in schema.fields:
        value = values.get(field.name)
        if value is None:
            text = None
        elif isinstance(value, list):
            text = ", ".join(_display(field, v, tenant, store) for v in value)
        else:
            text = _display(field, value, tenant, store)
        rendered[field.name] = {
            "value": value,
            "displayValue": text,
            "isMulti": field.multi,
            "textValue": text,
            "type": field.type,
        }
    return rendered


def _display(field: FieldDefinition, value: Any, tenant: Tenant, store: Store) -> str:
    if field.type == "dropdown":
        dropdown = tenant.dropdown(field.dropdown or "")
        option = next((o for o in dropdown.options if o.id == value), None) if dropdown else None
        return option.name if option else str(value)
    if field.type in ("entity_link", "custom_entity_link"):
        entity = tenant.entity(value)
        return entity.name if entity else str(value)
    if field.type == "blob_link":
        blob = store.get("blobs", value)
        return str(blob["doc"]["name"]) if blob else str(value)
    if field.type == "storage_link":
        item = tenant.storage_item(value)
        return item.name if item else str(value)
    if field.type == "entry_link":
        entry = tenant.entry(value)
        return entry.name if entry else str(value)
    if field.type == "boolean":
        return "True" if value else "False"
    if field.type == "json":
        return value if isinstance(value, str) else json.dumps(value)
    return str(value)
