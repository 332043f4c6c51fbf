"""What the resolver needs to know about the tenant: lookup protocols, their caches and their client
adapters.

The resolver reads the tenant only through :class:`TenantLookup` (schemas, dropdowns, registries,
projects) and :class:`EntityLookup` (what field values link to: registered entities, inventory items and
notebook entries). In production they are the Benchling client seen through :class:`ClientTenant`/
:class:`ClientEntities`, with :class:`CachedTenant`/:class:`CachedEntities` in front; unit tests use
in-memory fakes. Schemas and registries are fetched once per time-to-live; registered entities found are
cached forever within a process (a registry ID, once registered, keeps its API id), unknown ones are
asked again next time. Inventory and entries are not cached: items move and are renamed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar, cast

from ingest.benchling import BenchlingClient, Lookup
from ingest.benchling.models import AssaySchema, Entry, StorageItem, StorageKind

T = TypeVar("T")

SchemaKind = Literal["assay_run", "assay_result"]

ENTITY_LINK_TYPES = frozenset(
    {
        "entity_link",
        "custom_entity_link",
        "dna_sequence_link",
        "aa_sequence_link",
        "mixture_link",
        "molecule_link",
    }
)


@dataclass(frozen=True)
class FieldDef:
    """One field definition of a schema, as the API describes it (``name`` is the system name)."""

    name: str
    type: str
    is_multi: bool = False
    is_required: bool = False
    dropdown_id: str | None = None
    schema_id: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class SchemaDef:
    id: str
    name: str
    kind: SchemaKind
    fields: Mapping[str, FieldDef] = field(default_factory=dict)


class TenantLookup(Protocol):
    """Reads of tenant configuration: schemas, dropdown options and registries."""

    def run_schemas(self) -> Sequence[SchemaDef]: ...

    def result_schemas(self) -> Sequence[SchemaDef]: ...

    def dropdown_options(self, dropdown_id: str) -> Mapping[str, str]:
        """Option name -> option id."""
        ...

    def registries(self) -> Mapping[str, str]:
        """Registry name -> registry id."""
        ...

    def projects(self) -> Mapping[str, str]:
        """Project name -> project id."""
        ...


@dataclass(frozen=True)
class LinkTarget:
    """An inventory item or notebook entry a link field can point at.

    ``kind`` is ``container``, ``box``, ``plate``, ``location`` or ``entry``; ``key`` its barcode (inventory)
    or display id (entries).
    """

    id: str
    kind: str
    name: str | None = None
    key: str | None = None
    schema_id: str | None = None

    def label(self) -> str:
        """How a person recognises it: ``plate 'Assay Plate 1' (PLT-0001)``."""
        shown = f"{self.kind} '{self.name}'" if self.name else self.kind
        return f"{shown} ({self.key})" if self.key else shown


class EntityLookup(Protocol):
    """Lookups of what field values link to, each one batched call (per kind) for many keys.

    Each ``Lookup`` has ``found`` (key → answer, in the order asked) and ``missing`` (the keys Benchling
    does not hold, however it answered them).
    """

    def registered_entities(self, registry_id: str, registry_ids: Sequence[str]) -> Lookup[str]:
        """Registry ID -> entity API id, and the registry IDs that are not registered."""
        ...

    def storage_by_ids(self, item_ids: Sequence[str]) -> Lookup[LinkTarget]:
        """Inventory items by id (``con_``, ``box_``, ``plt_``, ``loc_``)."""
        ...

    def storage_by_barcodes(
        self, barcodes: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Lookup[LinkTarget]:
        """Inventory items of ``kinds`` by barcode."""
        ...

    def storage_by_names(
        self, names: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Mapping[str, Sequence[LinkTarget]]:
        """Every item of ``kinds`` named exactly one of ``names`` (names are not unique)."""
        ...

    def entries_by_ids(self, entry_ids: Sequence[str]) -> Lookup[LinkTarget]:
        """Notebook entries by id (``etr_…``)."""
        ...

    def entries_by_display_ids(self, display_ids: Sequence[str]) -> Lookup[LinkTarget]:
        """Notebook entries by display id (``EXP23-001``)."""
        ...


class _TtlCache(Generic[T]):
    """Values by key, each kept for ``ttl`` seconds of the injected clock."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, T]] = {}

    def get(self, key: str, fetch: Callable[[], T]) -> T:
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and self._clock() - hit[0] < self._ttl:
                return hit[1]
        value = fetch()
        with self._lock:
            self._values[key] = (self._clock(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class CachedTenant:
    """A TenantLookup that asks its source at most once per ``ttl_seconds`` for each kind of answer."""

    def __init__(
        self, source: TenantLookup, *, ttl_seconds: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._source = source
        self._schemas: _TtlCache[tuple[SchemaDef, ...]] = _TtlCache(ttl_seconds, clock)
        self._maps: _TtlCache[dict[str, str]] = _TtlCache(ttl_seconds, clock)

    def run_schemas(self) -> Sequence[SchemaDef]:
        return self._schemas.get("run", lambda: tuple(self._source.run_schemas()))

    def result_schemas(self) -> Sequence[SchemaDef]:
        return self._schemas.get("result", lambda: tuple(self._source.result_schemas()))

    def dropdown_options(self, dropdown_id: str) -> Mapping[str, str]:
        return self._maps.get(
            f"dropdown:{dropdown_id}", lambda: dict(self._source.dropdown_options(dropdown_id))
        )

    def registries(self) -> Mapping[str, str]:
        return self._maps.get("registries", lambda: dict(self._source.registries()))

    def projects(self) -> Mapping[str, str]:
        return self._maps.get("projects", lambda: dict(self._source.projects()))

    def forget(self) -> None:
        """Ask the source again next time (the tenant's schemas may have been fixed meanwhile)."""
        self._schemas.clear()
        self._maps.clear()


class CachedEntities:
    """An EntityLookup that asks only for registry IDs it has not found before; the inventory and entry
    lookups go straight to the source."""

    def __init__(self, source: EntityLookup) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], str] = {}

    def registered_entities(self, registry_id: str, registry_ids: Sequence[str]) -> Lookup[str]:
        wanted = list(dict.fromkeys(registry_ids))
        with self._lock:
            unknown = [rid for rid in wanted if (registry_id, rid) not in self._known]
        missing: tuple[str, ...] = ()
        if unknown:
            answer = self._source.registered_entities(registry_id, unknown)
            missing = answer.missing
            with self._lock:
                for rid, api_id in answer.found.items():
                    self._known[(registry_id, rid)] = api_id
        with self._lock:
            found = {
                rid: self._known[(registry_id, rid)] for rid in wanted if (registry_id, rid) in self._known
            }
        return Lookup(found, missing)

    def storage_by_ids(self, item_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._source.storage_by_ids(item_ids)

    def storage_by_barcodes(
        self, barcodes: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Lookup[LinkTarget]:
        return self._source.storage_by_barcodes(barcodes, kinds)

    def storage_by_names(
        self, names: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Mapping[str, Sequence[LinkTarget]]:
        return self._source.storage_by_names(names, kinds)

    def entries_by_ids(self, entry_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._source.entries_by_ids(entry_ids)

    def entries_by_display_ids(self, display_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return self._source.entries_by_display_ids(display_ids)


# -- the Benchling client seen through these protocols -----------------------------------------------


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


def _storage_target(item: StorageItem) -> LinkTarget:
    schema = item.schema_ref.id if item.schema_ref is not None else None
    return LinkTarget(item.id, item.kind, item.name, item.barcode, schema)


def _entry_target(entry: Entry) -> LinkTarget:
    schema = entry.schema_ref.id if entry.schema_ref is not None else None
    return LinkTarget(entry.id, "entry", entry.name, entry.display_id, schema)


def _targets(answer: Lookup[T], convert: Callable[[T], LinkTarget]) -> Lookup[LinkTarget]:
    return Lookup({key: convert(item) for key, item in answer.found.items()}, answer.missing)


class ClientEntities:
    """EntityLookup over BenchlingClient; put a CachedEntities in front of it."""

    def __init__(self, client: BenchlingClient) -> None:
        self._client = client

    def registered_entities(self, registry_id: str, registry_ids: Sequence[str]) -> Lookup[str]:
        answer = self._client.lookup_registered_entities(registry_id, registry_ids)
        return Lookup({rid: entity.id for rid, entity in answer.found.items()}, answer.missing)

    def storage_by_ids(self, item_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return _targets(self._client.storage_by_ids(item_ids), _storage_target)

    def storage_by_barcodes(
        self, barcodes: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Lookup[LinkTarget]:
        return _targets(self._client.storage_by_barcodes(barcodes, kinds), _storage_target)

    def storage_by_names(
        self, names: Sequence[str], kinds: Sequence[StorageKind]
    ) -> Mapping[str, Sequence[LinkTarget]]:
        found = self._client.storage_by_names(names, kinds)
        return {name: [_storage_target(item) for item in items] for name, items in found.items()}

    def entries_by_ids(self, entry_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return _targets(self._client.entries_by_ids(entry_ids), _entry_target)

    def entries_by_display_ids(self, display_ids: Sequence[str]) -> Lookup[LinkTarget]:
        return _targets(self._client.entries_by_display_ids(display_ids), _entry_target)
