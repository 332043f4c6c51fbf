"""Result transactions: open, add results (invisible until commit), commit or abort."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import ApiError, bad_request, conflict, not_found
from ingest.sandbox.records import build_records
from ingest.sandbox.routes.inputs import json_object, read_body, reject_unknown_keys, sandbox
from ingest.sandbox.routes.results import check_count, store_results
from ingest.sandbox.state import SandboxState


def _open_transaction(state: SandboxState, transaction_id: str) -> dict[str, Any]:
    transaction = state.store.get("transactions", transaction_id)
    if transaction is None:
        raise not_found("Result transaction", transaction_id, status=400)
    if transaction["status"] != "OPEN":
        raise bad_request(f"Result transaction '{transaction_id}' is {transaction['status']}, not OPEN.")
    return transaction


async def create_transaction(request: Request) -> JSONResponse:
    state = sandbox(request)
    await read_body(request)
    transaction_id = str(uuid.uuid4())
    state.store.put("transactions", transaction_id, {"id": transaction_id, "status": "OPEN"})
    return JSONResponse({"id": transaction_id})


async def add_results(request: Request) -> JSONResponse:
    state = sandbox(request)
    transaction_id = request.path_params["transaction_id"]
    _open_transaction(state, transaction_id)
    body = await json_object(request)
    reject_unknown_keys(body, {"assayResults"}, "The request body")
    items = body.get("assayResults")
    check_count(items, state.config.limits.max_results_per_create, "POST /result-transactions/{id}/results")
    built = build_records(state, items, kind="result", list_key="assayResults", api_base="")
    if not built.valid:
        errors = [{"fields": p.fields, "global": p.global_} for p in built.problems]
        raise ApiError(400, {"assayResults": None, "errors": errors})
    if built.conflicts:
        raise conflict("Assay results", built.conflicts)
    store_results(state, built.records, committed=False, transaction_id=transaction_id)
    return JSONResponse({"assayResults": built.answer_ids, "errors": None})


def _results_of(state: SandboxState, transaction_id: str) -> list[dict[str, Any]]:
    return [r for r in state.store.all("results") if r["transactionId"] == transaction_id]


async def commit_transaction(request: Request) -> JSONResponse:
    state = sandbox(request)
    transaction_id = request.path_params["transaction_id"]
    transaction = _open_transaction(state, transaction_id)
    results = _results_of(state, transaction_id)
    for record in results:
        record["committed"] = True
    transaction["status"] = "COMMITTED"
    writes: list[tuple[Any, str, dict[str, Any]]] = [("results", r["doc"]["id"], r) for r in results]
    writes.append(("transactions", transaction_id, transaction))
    state.store.put_many(writes)
    return JSONResponse({"id": transaction_id})


async def abort_transaction(request: Request) -> JSONResponse:
    state = sandbox(request)
    transaction_id = request.path_params["transaction_id"]
    transaction = _open_transaction(state, transaction_id)
    state.store.delete_many("results", [r["doc"]["id"] for r in _results_of(state, transaction_id)])
    transaction["status"] = "ABORTED"
    state.store.put("transactions", transaction_id, transaction)
    return JSONResponse({"id": transaction_id})


ROUTES = [
    Route("/api/v2/result-transactions", create_transaction, methods=["POST"]),
    Route("/api/v2/result-transactions/{transaction_id:id}/results", add_results, methods=["POST"]),
    Route("/api/v2/result-transactions/{transaction_id:id}:commit", commit_transaction, methods=["POST"]),
    Route("/api/v2/result-transactions/{transaction_id:id}:abort", abort_transaction, methods=["POST"]),
]
