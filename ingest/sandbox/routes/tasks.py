"""``GET /tasks/{id}``: async task status; a bulk-create task runs on the poll that ends its RUNNING phase."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.routes.inputs import sandbox
from ingest.sandbox.routes.results import run_bulk_create_task


async def get_task(request: Request) -> JSONResponse:
    state = sandbox(request)
    task_id = request.path_params["task_id"]
    task = state.store.get("tasks", task_id)
    if task is None:
        raise not_found("Task", task_id)
    if task["pending"] is not None:
        if task["pollsLeft"] > 0:
            task["pollsLeft"] -= 1
            state.store.put("tasks", task_id, task)
            return JSONResponse(task["doc"])
        run_bulk_create_task(state, task_id)
        task = state.store.get("tasks", task_id)
        assert task is not None
    return JSONResponse(task["doc"])


ROUTES = [Route("/api/v2/tasks/{task_id:id}", get_task, methods=["GET"])]
