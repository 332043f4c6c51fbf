"""Notebook entry endpoints (read-only, seeded from the tenant YAML): list, bulk-get and get.

List filters: ``ids`` and ``displayIds`` (all or a 400 listing the invalid ones), ``name``,
``names.anyOf[.caseSensitive]``, ``schemaId``. ``:bulk-get`` takes ``entryIds`` or ``displayIds`` (not
both); unknown ones are answered as the ``inventory_missing`` variant says. Entries carry no notes.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.routes.inputs import comma_list, sandbox
from ingest.sandbox.routes.listing import found_or_refused
from ingest.sandbox.routes.lookups import all_or_listed, filter_scope, matches_names, one_key_list
from ingest.sandbox.tenant import Entry, Tenant

_SEED_TIME = "2024-01-01T00:00:00+00:00"


def entry_json(tenant: Tenant, entry: Entry, base: str) -> dict[str, Any]:
    schema = next((s for s in tenant.entry_schemas if s.id == entry.schema_id), None)
    user = tenant.user.model_dump()
    return {
        "id": entry.id,
        "displayId": entry.display_id,
        "name": entry.name,
        "apiURL": f"{base}/api/v2/entries/{entry.id}",
        "webURL": f"{base}/{entry.id}",
        "archiveRecord": None,
        "assignedReviewers": [],
        "authors": [user],
        "createdAt": _SEED_TIME,
        "modifiedAt": _SEED_TIME,
        "creator": user,
        "customFields": {},
        "days": [],
        "entryTemplateId": None,
        "fields": {},
        "folderId": entry.folder_id,
        "reviewRecord": None,
        "schema": {"id": schema.id, "name": schema.name} if schema else None,
    }


async def list_entries(request: Request) -> JSONResponse:
    state = sandbox(request)
    tenant = state.tenant
    entries = list(tenant.entries)
    ids = comma_list(request, "ids")
    if ids:
        entries = all_or_listed(entries, ids, lambda e: e.id, "entry ids")
    display_ids = comma_list(request, "displayIds")
    if display_ids:
        entries = all_or_listed(entries, display_ids, lambda e: e.display_id, "entry display ids")
    schema_id = request.query_params.get("schemaId")
    entries = [
        e for e in entries if matches_names(request, e.name) and (not schema_id or e.schema_id == schema_id)
    ]
    base = str(request.base_url).rstrip("/")
    docs = [entry_json(tenant, e, base) for e in entries]
    page = paginate(
        docs,
        request.query_params,
        scope=f"entries:{filter_scope(request)}",
        max_page_size=state.config.limits.max_page_size,
    )
    return JSONResponse({"entries": page.items, "nextToken": page.next_token})


async def bulk_get_entries(request: Request) -> JSONResponse:
    state = sandbox(request)
    tenant = state.tenant
    by, keys = one_key_list(request, ("entryIds", "displayIds"), state.variants.bulk_get_max_ids)
    index = {(e.id if by == "entryIds" else e.display_id): e for e in tenant.entries}
    label = "Entries (ids)" if by == "entryIds" else "Entries (display ids)"
    found = found_or_refused([index.get(k) for k in keys], keys, state.variants.inventory_missing, label)
    base = str(request.base_url).rstrip("/")
    return JSONResponse({"entries": [entry_json(tenant, e, base) for e in found]})


async def get_entry(request: Request) -> JSONResponse:
    tenant = sandbox(request).tenant
    entry_id = request.path_params["entry_id"]
    entry = tenant.entry(entry_id)
    if entry is None:
        raise not_found("Entry", entry_id)
    # The spec wraps a single entry: EntryById = {"entry": Entry}.
    return JSONResponse({"entry": entry_json(tenant, entry, str(request.base_url).rstrip("/"))})


ROUTES = [
    Route("/api/v2/entries", list_entries, methods=["GET"]),
    Route("/api/v2/entries:bulk-get", bulk_get_entries, methods=["GET"]),
    Route("/api/v2/entries/{entry_id:id}", get_entry, methods=["GET"]),
]
