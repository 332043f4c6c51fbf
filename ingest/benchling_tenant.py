"""The HTTP client seen through the resolver's lookup protocols (schemas, dropdowns, registries,
projects, registered entities)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from ingest.benchling import BenchlingClient
from ingest.benchling.models import AssaySchema
from ingest.tenant_lookup import FieldDef, SchemaDef, SchemaKind


def _schema(schema: AssaySchema) -> SchemaDef:
    fields = {
        f.name: FieldDef(
            name=f.name,
            type=f.type,
            is_multi=f.is_multi,
            is_required=f.is_required,
            dropdown_id=f.dropdown_id,
            schema_id=f.schema_id,
            archived=f.archive_record is not None,
        )
        for f in schema.field_definitions
    }
    return SchemaDef(id=schema.id, name=schema.name, kind=cast(SchemaKind, schema.type), fields=fields)


class ClientTenant:
    """TenantLookup over BenchlingClient; put a CachedTenant in front of it."""

    def __init__(self, client: BenchlingClient) -> None:
        self._client = client

    def run_schemas(self) -> Sequence[SchemaDef]:
        return [_schema(s) for s in self._client.list_run_schemas() if s.archive_record is None]

    def result_schemas(self) -> Sequence[SchemaDef]:
        return [_schema(s) for s in self._client.list_result_schemas() if s.archive_record is None]

    def dropdown_options(self, dropdown_id: str) -> Mapping[str, str]:
        return {
            o.name: o.id for o in self._client.get_dropdown(dropdown_id).options if o.archive_record is None
        }

    def registries(self) -> Mapping[str, str]:
        return {r.name: r.id for r in self._client.list_registries()}

    def projects(self) -> Mapping[str, str]:
        return {p.name: p.id for p in self._client.list_projects()}


class ClientEntities:
    """EntityLookup over BenchlingClient; put a CachedEntities in front of it."""

    def __init__(self, client: BenchlingClient) -> None:
        self._client = client

    def bulk_get(self, registry_id: str, registry_ids: Sequence[str]) -> Mapping[str, str]:
        found = self._client.registered_entities(registry_id, registry_ids)
        return {rid: entity.id for rid, entity in found.items()}
