"""Build stored run/result records from create requests, collecting every problem per item.

Two variants shape this: ``client_ids`` (a client-supplied id is kept, or ignored for one the server
assigns) and ``duplicate_id`` (what a kept id that already exists answers: a 400 item problem, a 409
ConflictError, or a 200 naming the existing object, which is then not stored again).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.sandbox.field_values import check_fields, render_fields
from ingest.sandbox.state import SandboxState
from ingest.sandbox.store import Kind

_RUN_KEYS = {"schemaId", "fields", "id", "projectId", "validationStatus", "validationComment"}
_RESULT_KEYS = {"schemaId", "fields", "id", "projectId", "fieldValidation"}


@dataclass
class ItemProblems:
    """Problems of one submitted item: per field, and global (schema, id, project, keys)."""

    index: int
    fields: dict[str, str] = field(default_factory=dict)
    global_: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.global_)

    def messages(self) -> list[str]:
        return self.global_ + list(self.fields.values())


def timestamp(state: SandboxState) -> str:
    return datetime.fromtimestamp(state.clock.wall(), tz=UTC).isoformat()


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


@dataclass
class BuiltRecords:
    """What a create request amounts to: records to store, the ids to answer (in request order), the
    problems of each item, and the kept ids that already exist (a 409 under ``duplicate_id``)."""

    records: list[tuple[str, dict[str, Any]]]
    answer_ids: list[str]
    problems: list[ItemProblems]
    conflicts: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(self.problems)


def build_records(
    state: SandboxState, items: Any, *, kind: str, list_key: str, api_base: str
) -> BuiltRecords:
    """Validate every item; returns the records to store, the ids to answer and each item's problems."""
    if not isinstance(items, list) or not items:
        problem = ItemProblems(0, global_=[f"'{list_key}' must be a non-empty list of objects"])
        return BuiltRecords([], [], [problem])
    store_kind: Kind = "runs" if kind == "run" else "results"
    variants = state.variants
    seen: set[str] = set()
    records: list[tuple[str, dict[str, Any]]] = []
    answer_ids: list[str] = []
    conflicts: list[str] = []
    problems: list[ItemProblems] = []
    now = timestamp(state)
    for index, item in enumerate(items):
        item_problems = ItemProblems(index)
        problems.append(item_problems)
        where = f"{list_key}[{index}]"
        if not isinstance(item, dict):
            item_problems.global_.append(f"{where} must be an object, got {type(item).__name__}")
            continue
        unknown = sorted(set(item) - (_RUN_KEYS if kind == "run" else _RESULT_KEYS))
        if unknown:
            item_problems.global_.append(f"{where} has unknown keys {unknown}")
        schema_id = item.get("schemaId")
        if not isinstance(schema_id, str):
            item_problems.global_.append(f"{where}.schemaId must be a schema id string, got {schema_id!r}")
            continue
        tenant = state.tenant
        schema = tenant.run_schema(schema_id) if kind == "run" else tenant.result_schema(schema_id)
        if schema is None:
            other = tenant.result_schema(schema_id) if kind == "run" else tenant.run_schema(schema_id)
            if other is not None:
                opposite = "result" if kind == "run" else "run"
                item_problems.global_.append(
                    f"{where}.schemaId '{schema_id}' is an assay {opposite} schema, "
                    f"not an assay {kind} schema"
                )
            else:
                item_problems.global_.append(f"{where}.schemaId '{schema_id}' is not an assay {kind} schema")
        record_id = item.get("id")
        existing = False
        if record_id is None:
            record_id = str(uuid.uuid4())
        elif not isinstance(record_id, str) or not record_id:
            item_problems.global_.append(f"{where}.id must be a non-empty string, got {record_id!r}")
        elif kind == "result" and not _is_uuid(record_id):
            item_problems.global_.append(f"{where}.id '{record_id}' is not a UUID; result ids must be UUIDs")
        elif variants.client_ids == "server_assigned":
            record_id = str(uuid.uuid4())
        elif record_id in seen:
            item_problems.global_.append(f"{where}.id '{record_id}' appears more than once in this request")
        elif state.store.contains(store_kind, record_id):
            existing = True
            if variants.duplicate_id == "bad_request_400":
                item_problems.global_.append(f"{where}.id '{record_id}' already exists; ids must be unique")
            elif variants.duplicate_id == "conflict_409":
                conflicts.append(record_id)
        if isinstance(record_id, str):
            seen.add(record_id)
        project_id = item.get("projectId")
        if project_id is not None and (not isinstance(project_id, str) or tenant.project(project_id) is None):
            known = [p.id for p in tenant.projects]
            item_problems.global_.append(
                f"{where}.projectId {project_id!r} does not exist; projects: {known}"
            )
        status = item.get("validationStatus")
        if kind == "run" and status is not None and status not in ("VALID", "INVALID"):
            item_problems.global_.append(f"{where}.validationStatus {status!r} must be VALID or INVALID")
        if schema is None:
            continue
        values, field_problems = check_fields(
            schema, item.get("fields"), tenant, state.store, datetime_form=variants.datetime
        )
        item_problems.fields.update({k: f"{where}: {v}" for k, v in field_problems.items()})
        if item_problems:
            continue
        answer_ids.append(record_id)
        if existing:
            continue
        doc: dict[str, Any] = {
            "id": record_id,
            "archiveRecord": None,
            "createdAt": now,
            "creator": tenant.user.model_dump(),
            "entryId": None,
            "fields": render_fields(schema, values, tenant, state.store),
            "isReviewed": False,
            "projectId": project_id,
            "schema": {"id": schema.id, "name": schema.name},
        }
        if kind == "run":
            doc.update(
                apiURL=f"{api_base}/assay-runs/{record_id}",
                equipmentId=None,
                v3Id=f"run_{record_id.replace('-', '')[:8]}",
                validationComment=item.get("validationComment"),
                validationStatus=status or "VALID",
            )
        else:
            doc.update(
                modifiedAt=now,
                fieldValidation=item.get("fieldValidation") or {},
                v3Id=f"res_{record_id.replace('-', '')[:8]}",
                validationComment="",
                validationStatus="VALID",
            )
        records.append((record_id, {"doc": doc, "values": values, "createdAt": state.clock.wall()}))
    return BuiltRecords(records, answer_ids, problems, conflicts)
