"""Registry endpoints: list (name filter), get, and registered-entities bulk-get by registry id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.routes.inputs import comma_list, sandbox
from ingest.sandbox.routes.listing import found_or_refused
from ingest.sandbox.tenant import Entity, Registry, Tenant

_SEED_TIME = "2024-01-01T00:00:00+00:00"


def registry_json(tenant: Tenant, registry: Registry) -> dict[str, Any]:
    return {
        "id": registry.id,
        "name": registry.name,
        "modifiedAt": _SEED_TIME,
        "owner": tenant.organization.model_dump(),
    }


def entity_json(tenant: Tenant, registry: Registry, entity: Entity, base: str) -> dict[str, Any]:
    schema = tenant.entity_schema(entity.schema_id)
    return {
        "entityType": entity.entity_type,
        "id": entity.id,
        "name": entity.name,
        "entityRegistryId": entity.registry_id,
        "registryId": registry.id,
        "aliases": list(entity.aliases),
        "apiURL": f"{base}/api/v2/custom-entities/{entity.id}",
        "webURL": f"{base}/{entity.id}",
        "archiveRecord": None,
        "authors": [tenant.user.model_dump()],
        "createdAt": _SEED_TIME,
        "modifiedAt": _SEED_TIME,
        "creator": tenant.user.model_dump(),
        "customFields": {},
        "fields": {},
        "folderId": None,
        "registrationOrigin": {"originEntryId": None, "registeredAt": _SEED_TIME},
        "schema": {"id": entity.schema_id, "name": schema.name if schema else entity.schema_id},
    }


async def list_registries(request: Request) -> JSONResponse:
    tenant = sandbox(request).tenant
    name = request.query_params.get("name")
    registries = [r for r in tenant.registries if name is None or r.name == name]
    return JSONResponse({"registries": [registry_json(tenant, r) for r in registries]})


def _registry(request: Request) -> Registry:
    registry_id = request.path_params["registry_id"]
    registry = next((r for r in sandbox(request).tenant.registries if r.id == registry_id), None)
    if registry is None:
        raise not_found("Registry", registry_id)
    return registry


async def get_registry(request: Request) -> JSONResponse:
    return JSONResponse(registry_json(sandbox(request).tenant, _registry(request)))


async def bulk_get_entities(request: Request) -> JSONResponse:
    state = sandbox(request)
    registry = _registry(request)
    ids = comma_list(request, "entityRegistryIds", required=True, max_items=state.variants.bulk_get_max_ids)
    by_registry_id = {e.registry_id: e for e in registry.entities}
    label = f"Registry IDs registered in {registry.id} ({registry.name})"
    entities = found_or_refused(
        [by_registry_id.get(i) for i in ids], ids, state.variants.registry_missing, label
    )
    base = str(request.base_url).rstrip("/")
    return JSONResponse({"entities": [entity_json(state.tenant, registry, e, base) for e in entities]})


ROUTES = [
    Route("/api/v2/registries", list_registries, methods=["GET"]),
    Route("/api/v2/registries/{registry_id:id}", get_registry, methods=["GET"]),
    Route(
        "/api/v2/registries/{registry_id:id}/registered-entities:bulk-get", bulk_get_entities, methods=["GET"]
    ),
]
