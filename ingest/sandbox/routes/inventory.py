"""Inventory endpoints (read-only, seeded from the tenant YAML): containers, boxes, plates, locations.

Per kind: list (``ids``, ``barcodes``, ``name``, ``names.anyOf[.caseSensitive]``, ``schemaId``,
``ancestorStorageId``, pagination), ``:bulk-get`` (ids or barcodes, not both; unknown ones answered as the
``inventory_missing`` variant says) and get by id (404 where the spec documents it, else 400).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.routes.inputs import comma_list, sandbox
from ingest.sandbox.routes.listing import found_or_refused
from ingest.sandbox.routes.lookups import all_or_listed, filter_scope, matches_names, one_key_list
from ingest.sandbox.tenant import StorageItem, Tenant

_SEED_TIME = "2024-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class _Kind:
    kind: str
    plural: str  # path segment and list key: containers, boxes, plates, locations
    label: str
    singular: str
    ids_param: str  # containerIds, boxIds, plateIds, locationIds
    get_status: int  # the spec documents 404 for GET /{plural}/{id} except boxes (400)


KINDS = (
    _Kind("container", "containers", "Containers", "Container", "containerIds", 404),
    _Kind("box", "boxes", "Boxes", "Box", "boxIds", 400),
    _Kind("plate", "plates", "Plates", "Plate", "plateIds", 404),
    _Kind("location", "locations", "Locations", "Location", "locationIds", 404),
)


def _ancestors(tenant: Tenant, item: StorageItem) -> set[str]:
    seen: set[str] = set()
    parent = item.parent_storage_id
    while parent is not None and parent not in seen:
        seen.add(parent)
        found = tenant.storage_item(parent)
        parent = found.parent_storage_id if found else None
    return seen


def storage_json(tenant: Tenant, item: StorageItem, base: str) -> dict[str, Any]:
    schema = tenant.storage_schema(item.schema_id) if item.schema_id else None
    user = tenant.user.model_dump()
    doc: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "barcode": item.barcode,
        "archiveRecord": None,
        "createdAt": _SEED_TIME,
        "modifiedAt": _SEED_TIME,
        "creator": user,
        "fields": {},
        "parentStorageId": item.parent_storage_id,
        "projectId": None,
        "schema": {"id": schema.id, "name": schema.name} if schema else None,
        "webURL": f"{base}/{item.id}",
    }
    if item.kind == "container":
        parent = tenant.storage_item(item.parent_storage_id) if item.parent_storage_id else None
        parent_schema = tenant.storage_schema(parent.schema_id) if parent and parent.schema_id else None
        doc.update(
            checkoutRecord={"status": "AVAILABLE", "assignee": None, "comment": "", "modifiedAt": _SEED_TIME},
            contents=[],
            parentStorageSchema={"id": parent_schema.id, "name": parent_schema.name}
            if parent_schema
            else None,
            quantity={"units": None, "value": None},
            volume={"units": None, "value": None},
            restrictedSampleParties=[],
            restrictionStatus="NOT_APPLICABLE",
            role=None,
            sampleOwners=[],
        )
    elif item.kind == "plate":
        doc.update(
            type="well_plate",
            wells={},
            availableCapacity=None,
            occupiedCapacity=None,
            totalCapacity=None,
        )
    elif item.kind == "box":
        doc.update(
            availableCapacity=0,
            emptyContainers=0,
            emptyPositions=0,
            filledPositions=0,
            occupiedCapacity=0,
            size=0,
            totalCapacity=0,
        )
    else:
        doc.update(availableCapacity=None, occupiedCapacity=None, totalCapacity=None)
    return doc


def _lister(kind: _Kind) -> Any:
    async def list_items(request: Request) -> JSONResponse:
        state = sandbox(request)
        tenant = state.tenant
        query = request.query_params
        items = list(tenant.storage_items(kind.kind))
        ids = comma_list(request, "ids")
        if ids:
            items = all_or_listed(items, ids, lambda i: i.id, f"{kind.plural} ids")
        barcodes = comma_list(request, "barcodes")
        if barcodes:
            items = all_or_listed(items, barcodes, lambda i: i.barcode, f"{kind.plural} barcodes")
        schema_id = query.get("schemaId")
        ancestor = query.get("ancestorStorageId")
        items = [
            i
            for i in items
            if matches_names(request, i.name)
            and (not schema_id or i.schema_id == schema_id)
            and (not ancestor or ancestor in _ancestors(tenant, i))
        ]
        base = str(request.base_url).rstrip("/")
        docs = [storage_json(tenant, i, base) for i in items]
        scope = f"{kind.plural}:{filter_scope(request)}"
        page = paginate(docs, query, scope=scope, max_page_size=state.config.limits.max_page_size)
        return JSONResponse({kind.plural: page.items, "nextToken": page.next_token})

    return list_items


def _bulk_getter(kind: _Kind) -> Any:
    async def bulk_get(request: Request) -> JSONResponse:
        state = sandbox(request)
        tenant = state.tenant
        by, keys = one_key_list(request, (kind.ids_param, "barcodes"), state.variants.bulk_get_max_ids)
        items = list(tenant.storage_items(kind.kind))
        index = {(i.id if by == kind.ids_param else i.barcode): i for i in items}
        label = f"{kind.label} ({'ids' if by == kind.ids_param else 'barcodes'})"
        found = found_or_refused([index.get(k) for k in keys], keys, state.variants.inventory_missing, label)
        base = str(request.base_url).rstrip("/")
        return JSONResponse({kind.plural: [storage_json(tenant, i, base) for i in found]})

    return bulk_get


def _getter(kind: _Kind) -> Any:
    async def get_item(request: Request) -> JSONResponse:
        tenant = sandbox(request).tenant
        item_id = request.path_params["item_id"]
        item = tenant.storage_item(item_id)
        if item is None or item.kind != kind.kind:
            raise not_found(kind.singular, item_id, status=kind.get_status)
        return JSONResponse(storage_json(tenant, item, str(request.base_url).rstrip("/")))

    return get_item


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for kind in KINDS:
        routes += [
            Route(f"/api/v2/{kind.plural}", _lister(kind), methods=["GET"]),
            Route(f"/api/v2/{kind.plural}:bulk-get", _bulk_getter(kind), methods=["GET"]),
            Route(f"/api/v2/{kind.plural}/{{item_id:id}}", _getter(kind), methods=["GET"]),
        ]
    return routes


ROUTES = _routes()
