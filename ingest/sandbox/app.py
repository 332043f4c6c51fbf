"""``create_app``: the Starlette application, its routes and its single error renderer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from ingest.sandbox.config import SandboxConfig
from ingest.sandbox.envelopes import ApiError, error_body
from ingest.sandbox.gate import Gate
from ingest.sandbox.routes import (
    blobs,
    downloads,
    dropdowns,
    entries,
    html,
    inventory,
    projects,
    registries,
    results,
    runs,
    schemas,
    tasks,
    token,
    transactions,
)
from ingest.sandbox.state import SandboxState


async def _render_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return JSONResponse(
            error_body(f"{request.method} is not allowed on {request.url.path}."), status_code=405
        )
    return JSONResponse(error_body(f"No endpoint {request.method} {request.url.path}."), status_code=status)


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for module in (
        token,
        schemas,
        dropdowns,
        projects,
        registries,
        runs,
        results,
        transactions,
        tasks,
        blobs,
        downloads,
        inventory,
        entries,
        html,
    ):
        routes.extend(module.ROUTES)
    return routes


def create_app(config: SandboxConfig) -> Starlette:
    """The sandbox ASGI app; its state (store, blobs, tokens, faults, log) is ``app.state.sandbox``."""
    state = SandboxState(config)
    app = Starlette(
        routes=_routes(),
        exception_handlers={ApiError: _render_api_error, 404: _not_found, 405: _not_found},
    )
    app.state.sandbox = state
    app.add_middleware(Gate, state=state)
    return app
