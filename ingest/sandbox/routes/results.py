"""Assay result endpoints: create (≤100, all or nothing), bulk-create (task), list, get, bulk-get, archive.

Uncommitted transaction results are invisible to every read here.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import ApiError, bad_request, bulk_bad_request, conflict, error_body, not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.records import ItemProblems, build_records
from ingest.sandbox.routes.inputs import comma_list, json_object, reject_unknown_keys, sandbox, string_list
from ingest.sandbox.routes.listing import (
    ARCHIVE_REASONS,
    archive_reason,
    found_or_refused,
    records_by_ids,
    unix_filter,
)
from ingest.sandbox.state import SandboxState
from ingest.sandbox.store import linked_run_ids

_SORTS = ("createdAt:asc", "createdAt:desc", "modifiedAt:asc", "modifiedAt:desc")
_ARCHIVE_FILTERS = ("NOT_ARCHIVED", "ANY_ARCHIVED", "ANY_ARCHIVED_OR_NOT_ARCHIVED", *ARCHIVE_REASONS)


def bulk_errors(problems: list[ItemProblems]) -> list[dict[str, Any]]:
    return [{"index": p.index, "message": "; ".join(p.messages())} for p in problems if p]


def check_count(items: Any, limit: int, endpoint: str) -> None:
    if isinstance(items, list) and len(items) > limit:
        raise bad_request(f"{endpoint} accepts at most {limit} assay results per request; got {len(items)}.")


async def create_results(request: Request) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(body, {"assayResults"}, "The request body")
    items = body.get("assayResults")
    check_count(items, state.config.limits.max_results_per_create, "POST /assay-results")
    built = build_records(state, items, kind="result", list_key="assayResults", api_base="")
    if not built.valid:
        raise bulk_bad_request(
            "Some assay results are invalid; nothing was created.", bulk_errors(built.problems)
        )
    if built.conflicts:
        raise conflict("Assay results", built.conflicts)
    store_results(state, built.records, committed=True, transaction_id=None)
    return JSONResponse({"assayResults": built.answer_ids, "errors": None})


def store_results(
    state: SandboxState,
    records: list[tuple[str, dict[str, Any]]],
    *,
    committed: bool,
    transaction_id: str | None,
) -> None:
    for _, record in records:
        record.update(committed=committed, transactionId=transaction_id)
    state.store.put_many(("results", result_id, record) for result_id, record in records)


async def bulk_create_results(request: Request) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(body, {"assayResults", "tableId"}, "The request body")
    items = body.get("assayResults")
    if not isinstance(items, list) or not items:
        raise bad_request("'assayResults' must be a non-empty list of objects.")
    check_count(items, state.config.limits.max_results_per_bulk_create, "POST /assay-results:bulk-create")
    task_id = str(uuid.uuid4())
    task = {"doc": {"status": "RUNNING"}, "pending": items, "pollsLeft": state.config.task_running_polls}
    state.store.put("tasks", task_id, task)
    if state.config.task_running_polls == 0:
        run_bulk_create_task(state, task_id)
    return JSONResponse({"taskId": task_id}, status_code=202)


def run_bulk_create_task(state: SandboxState, task_id: str) -> None:
    """Validate and store a bulk-create task's results (all or nothing) and finish the task."""
    task = state.store.get("tasks", task_id)
    assert task is not None
    built = build_records(state, task["pending"], kind="result", list_key="assayResults", api_base="")
    if not built.valid or built.conflicts:
        errors = bulk_errors(built.problems) or [
            {"index": i, "message": f"assay result '{result_id}' already exists"}
            for i, result_id in enumerate(built.answer_ids)
            if result_id in built.conflicts
        ]
        doc: dict[str, Any] = {
            "status": "FAILED",
            "message": "Some assay results are invalid; nothing was created.",
            "errors": errors,
        }
    else:
        store_results(state, built.records, committed=True, transaction_id=None)
        doc = {"status": "SUCCEEDED", "response": {"assayResults": built.answer_ids}}
    state.store.put("tasks", task_id, {"doc": doc, "pending": None, "pollsLeft": 0})


def visible_results(state: SandboxState) -> list[dict[str, Any]]:
    return [r for r in state.store.all("results") if r["committed"]]


def _archive_matches(record: dict[str, Any], archive_filter: str) -> bool:
    archived = record["doc"]["archiveRecord"]
    if archive_filter == "NOT_ARCHIVED":
        return archived is None
    if archive_filter == "ANY_ARCHIVED":
        return archived is not None
    if archive_filter == "ANY_ARCHIVED_OR_NOT_ARCHIVED":
        return True
    return archived is not None and archived["reason"] == archive_filter


def _linked_ids(record: dict[str, Any]) -> set[str]:
    linked: set[str] = set()
    for value in record["values"].values():
        if isinstance(value, str):
            linked.add(value)
        elif isinstance(value, list):
            linked.update(v for v in value if isinstance(v, str))
    return linked


async def list_results(request: Request) -> JSONResponse:
    state = sandbox(request)
    query = request.query_params
    schema_id = query.get("schemaId") or None
    processor_id = query.get("automationOutputProcessorId") or None
    if schema_id is None and processor_id is None:
        raise bad_request(
            "Query parameter schemaId or automationOutputProcessorId is required to list assay results."
        )
    run_ids = set(comma_list(request, "assayRunIds"))
    if run_ids and processor_id is not None:
        raise bad_request("Give at most one of assayRunIds and automationOutputProcessorId.")
    ids = set(comma_list(request, "ids"))
    entity_ids = set(comma_list(request, "entityIds", max_items=20))
    archive_filter = query.get("archiveReason") or "NOT_ARCHIVED"
    if archive_filter not in _ARCHIVE_FILTERS:
        raise bad_request(
            f"Query parameter archiveReason '{archive_filter}' must be one of {list(_ARCHIVE_FILTERS)}."
        )
    sort = query.get("sort") or "createdAt:asc"
    if sort not in _SORTS:
        raise bad_request(f"Query parameter sort '{sort}' must be one of {list(_SORTS)}.")
    min_created, max_created = unix_filter(request, "minCreatedTime"), unix_filter(request, "maxCreatedTime")
    matching = [
        r
        for r in visible_results(state)
        # The sandbox has no automation output processors, so filtering by one matches nothing.
        if processor_id is None
        and (schema_id is None or r["doc"]["schema"]["id"] == schema_id)
        and (not run_ids or run_ids & linked_run_ids(r))
        and (not ids or r["doc"]["id"] in ids)
        and (not entity_ids or entity_ids & _linked_ids(r))
        and _archive_matches(r, archive_filter)
        and (min_created is None or r["createdAt"] >= min_created)
        and (max_created is None or r["createdAt"] <= max_created)
    ]
    if sort.endswith(":desc"):
        matching.reverse()
    scope = (
        f"results:{schema_id}:{sorted(run_ids)}:{sorted(ids)}:{sorted(entity_ids)}:{archive_filter}:{sort}"
    )
    page = paginate(matching, query, scope=scope, max_page_size=state.config.limits.max_page_size)
    return JSONResponse({"assayResults": [r["doc"] for r in page.items], "nextToken": page.next_token})


def _visible_by_ids(state: SandboxState, ids: list[str]) -> list[dict[str, Any]]:
    records = records_by_ids(state.store, "results", ids, "Assay results")
    hidden = [r["doc"]["id"] for r in records if not r["committed"]]
    if hidden:
        # Uncommitted results do not exist for readers.
        raise ApiError(
            400,
            error_body(
                f"Assay results not found: {', '.join(hidden)}.", invalidId=hidden[0], invalidIds=hidden
            ),
        )
    return records


async def get_result(request: Request) -> JSONResponse:
    state = sandbox(request)
    result_id = request.path_params["result_id"]
    record = state.store.get("results", result_id)
    if record is None or not record["committed"]:
        raise not_found("Assay result", result_id, status=400)
    return JSONResponse(record["doc"])


async def bulk_get_results(request: Request) -> JSONResponse:
    state = sandbox(request)
    ids = comma_list(request, "assayResultIds", required=True, max_items=state.variants.bulk_get_max_ids)
    # Uncommitted results do not exist for readers.
    records = [state.store.get("results", i) for i in ids]
    visible = [r if r is not None and r["committed"] else None for r in records]
    found = found_or_refused(visible, ids, state.variants.results_missing, "Assay results")
    return JSONResponse({"assayResults": [r["doc"] for r in found]})


async def _change_archive(request: Request, *, archive: bool) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(
        body, {"assayResultIds", "reason"} if archive else {"assayResultIds"}, "The request body"
    )
    ids = string_list(body, "assayResultIds", "The request body")
    reason = archive_reason(body, required=False) if archive else None
    records = _visible_by_ids(state, ids)
    for record in records:
        record["doc"]["archiveRecord"] = {"reason": reason} if archive else None
    state.store.put_many(("results", r["doc"]["id"], r) for r in records)
    return JSONResponse({"assayResultIds": ids})


async def archive_results(request: Request) -> JSONResponse:
    return await _change_archive(request, archive=True)


async def unarchive_results(request: Request) -> JSONResponse:
    return await _change_archive(request, archive=False)


ROUTES = [
    Route("/api/v2/assay-results", create_results, methods=["POST"]),
    Route("/api/v2/assay-results", list_results, methods=["GET"]),
    Route("/api/v2/assay-results:bulk-create", bulk_create_results, methods=["POST"]),
    Route("/api/v2/assay-results:bulk-get", bulk_get_results, methods=["GET"]),
    Route("/api/v2/assay-results:archive", archive_results, methods=["POST"]),
    Route("/api/v2/assay-results:unarchive", unarchive_results, methods=["POST"]),
    Route("/api/v2/assay-results/{result_id:id}", get_result, methods=["GET"]),
]
