"""The resolve stage: a ParsedFile, the mapping file and the live tenant -> a RunPlan (no writes)."""

from __future__ import annotations

from ingest.resolve.blob_plan import RenderPng
from ingest.resolve.mapping_check import check_all
from ingest.resolve.mapping_file import SchemaMap, TenantSettings, load_schema_map
from ingest.resolve.resolver import new_uuid, resolve
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
    "LinkTarget",
    "RenderPng",
    "SchemaMap",
    "TenantLookup",
    "TenantSettings",
    "check_all",
    "load_schema_map",
    "new_uuid",
    "resolve",
]
