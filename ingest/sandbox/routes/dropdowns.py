"""Dropdown endpoints: list (summaries) and get (with options)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.routes.inputs import sandbox
from ingest.sandbox.tenant import Dropdown


def dropdown_json(dropdown: Dropdown) -> dict[str, Any]:
    return {
        "id": dropdown.id,
        "name": dropdown.name,
        "archiveRecord": None,
        "options": [{"id": o.id, "name": o.name, "archiveRecord": None} for o in dropdown.options],
    }


async def list_dropdowns(request: Request) -> JSONResponse:
    state = sandbox(request)
    summaries = [{"id": d.id, "name": d.name} for d in state.tenant.dropdowns]
    page = paginate(
        summaries, request.query_params, scope="dropdowns", max_page_size=state.config.limits.max_page_size
    )
    return JSONResponse(
        {"dropdowns": page.items, "nextToken": page.next_token}, headers={"Result-Count": str(len(summaries))}
    )


async def get_dropdown(request: Request) -> JSONResponse:
    dropdown_id = request.path_params["dropdown_id"]
    dropdown = sandbox(request).tenant.dropdown(dropdown_id)
    if dropdown is None:
        raise not_found("Dropdown", dropdown_id)
    return JSONResponse(dropdown_json(dropdown))


ROUTES = [
    Route("/api/v2/dropdowns", list_dropdowns, methods=["GET"]),
    Route("/api/v2/dropdowns/{dropdown_id:id}", get_dropdown, methods=["GET"]),
]
