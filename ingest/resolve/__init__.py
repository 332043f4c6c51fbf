"""The resolve stage: a ParsedFile, the mapping file and the live tenant -> a RunPlan (no writes)."""

from __future__ import annotations

from ingest.resolve.blob_plan import RenderPng
from ingest.resolve.identity import Identity, tenant_key
from ingest.resolve.mapping_check import check_all
from ingest.resolve.mapping_file import SchemaMap, TenantSettings, load_schema_map, parse_schema_map
from ingest.resolve.resolver import resolve
from ingest.resolve.tenant import (
    CachedEntities,
    CachedTenant,
    ClientEntities,
    ClientTenant,
    EntityLookup,
    LinkTarget,
    TenantLookup,
)

__all__ = [
    "CachedEntities",
    "CachedTenant",
    "ClientEntities",
    "ClientTenant",
    "EntityLookup",
    "Identity",
    "LinkTarget",
    "RenderPng",
    "SchemaMap",
    "TenantLookup",
    "TenantSettings",
    "check_all",
    "load_schema_map",
    "parse_schema_map",
    "resolve",
    "tenant_key",
]
