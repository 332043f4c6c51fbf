"""Assay run endpoints: create (several per request, all or nothing), list, get, bulk-get, (un)archive."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import ApiError, bad_request, conflict, not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.records import build_records
from ingest.sandbox.routes.inputs import comma_list, json_object, reject_unknown_keys, sandbox, string_list
from ingest.sandbox.routes.listing import archive_reason, found_or_refused, records_by_ids, unix_filter


async def create_runs(request: Request) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(body, {"assayRuns"}, "The request body")
    api_base = str(request.base_url).rstrip("/") + "/api/v2"
    built = build_records(state, body.get("assayRuns"), kind="run", list_key="assayRuns", api_base=api_base)
    if not built.valid:
        errors = [{"fields": p.fields, "global": p.global_} for p in built.problems]
        raise ApiError(400, {"assayRuns": None, "errors": errors})
    if built.conflicts:
        raise conflict("Assay runs", built.conflicts)
    state.store.put_many(("runs", run_id, record) for run_id, record in built.records)
    return JSONResponse({"assayRuns": built.answer_ids, "errors": None})


async def list_runs(request: Request) -> JSONResponse:
    state = sandbox(request)
    schema_id = request.query_params.get("schemaId")
    if not schema_id:
        raise bad_request("Query parameter schemaId is required to list assay runs.")
    ids = set(comma_list(request, "ids"))
    min_created, max_created = unix_filter(request, "minCreatedTime"), unix_filter(request, "maxCreatedTime")
    matching = [
        r["doc"]
        for r in state.store.all("runs")
        if r["doc"]["schema"]["id"] == schema_id
        and (not ids or r["doc"]["id"] in ids)
        and (min_created is None or r["createdAt"] >= min_created)
        and (max_created is None or r["createdAt"] <= max_created)
    ]
    scope = f"runs:{schema_id}:{sorted(ids)}:{min_created}:{max_created}"
    page = paginate(
        matching, request.query_params, scope=scope, max_page_size=state.config.limits.max_page_size
    )
    return JSONResponse({"assayRuns": page.items, "nextToken": page.next_token})


async def get_run(request: Request) -> JSONResponse:
    run_id = request.path_params["run_id"]
    record = sandbox(request).store.get("runs", run_id)
    if record is None:
        raise not_found("Assay run", run_id, status=400)
    return JSONResponse(record["doc"])


async def bulk_get_runs(request: Request) -> JSONResponse:
    state = sandbox(request)
    ids = comma_list(request, "assayRunIds", required=True, max_items=state.variants.bulk_get_max_ids)
    records = [state.store.get("runs", i) for i in ids]
    found = found_or_refused(records, ids, state.variants.runs_missing, "Assay runs")
    return JSONResponse({"assayRuns": [r["doc"] for r in found]})


async def _change_archive(request: Request, *, archive: bool) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    allowed = {"assayRunIds", "reason"} if archive else {"assayRunIds"}
    reject_unknown_keys(body, allowed, "The request body")
    ids = string_list(body, "assayRunIds", "The request body")
    reason = archive_reason(body, required=True) if archive else None
    records = records_by_ids(state.store, "runs", ids, "Assay runs")
    writes: list[tuple[Any, str, dict[str, Any]]] = []
    for record in records:
        record["doc"]["archiveRecord"] = {"reason": reason} if archive else None
        writes.append(("runs", record["doc"]["id"], record))
    state.store.put_many(writes)
    return JSONResponse({"assayRunIds": ids})


async def archive_runs(request: Request) -> JSONResponse:
    return await _change_archive(request, archive=True)


async def unarchive_runs(request: Request) -> JSONResponse:
    return await _change_archive(request, archive=False)


ROUTES = [
    Route("/api/v2/assay-runs", create_runs, methods=["POST"]),
    Route("/api/v2/assay-runs", list_runs, methods=["GET"]),
    Route("/api/v2/assay-runs:bulk-get", bulk_get_runs, methods=["GET"]),
    Route("/api/v2/assay-runs:archive", archive_runs, methods=["POST"]),
    Route("/api/v2/assay-runs:unarchive", unarchive_runs, methods=["POST"]),
    Route("/api/v2/assay-runs/{run_id:id}", get_run, methods=["GET"]),
]
