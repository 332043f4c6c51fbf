"""Assay schema endpoints: run schemas, result schemas and the legacy combined ``/assay-schemas``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import not_found
from ingest.sandbox.pagination import paginate
from ingest.sandbox.routes.inputs import sandbox
from ingest.sandbox.tenant import AssaySchema, FieldDefinition, Tenant

_SEED_TIME = "2024-01-01T00:00:00+00:00"


def field_definition_json(schema: AssaySchema, field: FieldDefinition) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": schema.field_id(field),
        "name": field.name,
        "type": field.type,
        "isMulti": field.multi,
        "isRequired": field.required,
        "archiveRecord": None,
    }
    if field.type in ("integer", "float"):
        out.update({"numericMin": None, "numericMax": None, "unit": None})
        if field.type == "float":
            out.update({"decimalPrecision": None, "legalTextDropdownId": None})
    elif field.type == "dropdown":
        out["dropdownId"] = field.dropdown
    elif field.type in ("entity_link", "assay_run_link", "storage_link", "entry_link"):
        out["schemaId"] = field.schema_id
    return out


def schema_json(tenant: Tenant, schema: AssaySchema, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": schema.id,
        "name": schema.name,
        "type": kind,
        "archiveRecord": None,
        "fieldDefinitions": [field_definition_json(schema, f) for f in schema.fields],
        "systemName": schema.system_name,
        "organization": tenant.organization.model_dump(),
        "derivedFrom": None,
        "modifiedAt": _SEED_TIME,
    }
    if kind == "assay_run":
        out["automationInputFileConfigs"] = []
        out["automationOutputFileConfigs"] = []
    return out


def _list_schemas(request: Request, kind: str, key: str, count_header: str, scope: str) -> JSONResponse:
    state = sandbox(request)
    source = state.tenant.assay_run_schemas if kind == "assay_run" else state.tenant.assay_result_schemas
    schemas = [schema_json(state.tenant, s, kind) for s in source]
    page = paginate(
        schemas, request.query_params, scope=scope, max_page_size=state.config.limits.max_page_size
    )
    return JSONResponse(
        {key: page.items, "nextToken": page.next_token}, headers={count_header: str(len(schemas))}
    )


async def list_run_schemas(request: Request) -> JSONResponse:
    return _list_schemas(request, "assay_run", "assayRunSchemas", "Run-Count", "run-schemas")


async def list_result_schemas(request: Request) -> JSONResponse:
    return _list_schemas(request, "assay_result", "assayResultSchemas", "Result-Count", "result-schemas")


async def list_legacy_schemas(request: Request) -> JSONResponse:
    state = sandbox(request)
    tenant = state.tenant
    schemas = [schema_json(tenant, s, "assay_run") for s in tenant.assay_run_schemas] + [
        schema_json(tenant, s, "assay_result") for s in tenant.assay_result_schemas
    ]
    page = paginate(
        schemas, request.query_params, scope="schemas", max_page_size=state.config.limits.max_page_size
    )
    return JSONResponse({"assaySchemas": page.items, "nextToken": page.next_token})


async def get_run_schema(request: Request) -> JSONResponse:
    tenant = sandbox(request).tenant
    schema_id = request.path_params["schema_id"]
    schema = tenant.run_schema(schema_id)
    if schema is None:
        raise not_found("Assay run schema", schema_id)
    return JSONResponse(schema_json(tenant, schema, "assay_run"))


async def get_result_schema(request: Request) -> JSONResponse:
    tenant = sandbox(request).tenant
    schema_id = request.path_params["schema_id"]
    schema = tenant.result_schema(schema_id)
    if schema is None:
        raise not_found("Assay result schema", schema_id)
    return JSONResponse(schema_json(tenant, schema, "assay_result"))


async def get_legacy_schema(request: Request) -> JSONResponse:
    tenant = sandbox(request).tenant
    schema_id = request.path_params["schema_id"]
    run_schema = tenant.run_schema(schema_id)
    if run_schema is not None:
        return JSONResponse(schema_json(tenant, run_schema, "assay_run"))
    result_schema = tenant.result_schema(schema_id)
    if result_schema is None:
        raise not_found("Assay schema", schema_id)
    return JSONResponse(schema_json(tenant, result_schema, "assay_result"))


ROUTES = [
    Route("/api/v2/assay-run-schemas", list_run_schemas, methods=["GET"]),
    Route("/api/v2/assay-run-schemas/{schema_id:id}", get_run_schema, methods=["GET"]),
    Route("/api/v2/assay-result-schemas", list_result_schemas, methods=["GET"]),
    Route("/api/v2/assay-result-schemas/{schema_id:id}", get_result_schema, methods=["GET"]),
    Route("/api/v2/assay-schemas", list_legacy_schemas, methods=["GET"]),
    Route("/api/v2/assay-schemas/{schema_id:id}", get_legacy_schema, methods=["GET"]),
]
