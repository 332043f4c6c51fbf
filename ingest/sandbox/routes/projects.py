"""Project endpoint: list (paginated, ``name`` and ``ids`` filters)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.pagination import paginate
from ingest.sandbox.routes.inputs import sandbox


async def list_projects(request: Request) -> JSONResponse:
    state = sandbox(request)
    name = request.query_params.get("name")
    ids = {i for i in request.query_params.get("ids", "").split(",") if i}
    owner = state.tenant.organization
    items = [
        {
            "id": p.id,
            "name": p.name,
            "archiveRecord": None,
            "owner": {"id": owner.id, "handle": owner.handle, "name": owner.name},
        }
        for p in state.tenant.projects
        if (name is None or p.name == name) and (not ids or p.id in ids)
    ]
    page = paginate(
        items, request.query_params, scope="projects", max_page_size=state.config.limits.max_page_size
    )
    return JSONResponse({"projects": page.items, "nextToken": page.next_token})


ROUTES = [Route("/api/v2/projects", list_projects, methods=["GET"])]
