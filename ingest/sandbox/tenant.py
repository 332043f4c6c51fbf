"""Load and validate the sandbox tenant YAML (projects, dropdowns, registries, entities, inventory, entries,
assay schemas).

Errors name the YAML key path (e.g. ``assay_result_schemas[0].fields[3].dropdown``) and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest.errors import ConfigError

FieldType = Literal[
    "dna_sequence_link",
    "aa_sequence_link",
    "custom_entity_link",
    "entity_link",
    "mixture_link",
    "molecule_link",
    "dropdown",
    "part_link",
    "translation_link",
    "aa_part_link",
    "base_molecule_link",
    "blob_link",
    "text",
    "long_text",
    "batch_link",
    "storage_link",
    "entry_link",
    "assay_request_link",
    "assay_result_link",
    "assay_run_link",
    "boolean",
    "float",
    "integer",
    "datetime",
    "date",
    "json",
]

#: Field types whose values the sandbox can check; the others are rejected at load time.
SUPPORTED_FIELD_TYPES = frozenset(
    {
        "text",
        "long_text",
        "boolean",
        "float",
        "integer",
        "date",
        "datetime",
        "json",
        "dropdown",
        "entity_link",
        "custom_entity_link",
        "blob_link",
        "assay_run_link",
        "storage_link",
        "entry_link",
    }
)
#: Link types whose field definition may name the linked schema (``schemaId``).
_SCHEMA_LINKS = ("assay_run_link", "entity_link", "storage_link", "entry_link")
StorageKind = Literal["container", "box", "plate", "location"]
#: Id prefix of each storage kind (Benchling's: con_, box_, plt_, loc_).
STORAGE_PREFIXES: dict[str, str] = {"container": "con_", "box": "box_", "plate": "plt_", "location": "loc_"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Model):
    id: str
    handle: str
    name: str


class Project(_Model):
    id: str = Field(pattern=r"^src_")
    name: str


class DropdownOption(_Model):
    id: str
    name: str


class Dropdown(_Model):
    id: str = Field(pattern=r"^sfs_")
    name: str
    options: tuple[DropdownOption, ...] = Field(min_length=1)


class EntitySchema(_Model):
    id: str
    name: str


class Entity(_Model):
    id: str = Field(pattern=r"^(bfi|seq)_")
    registry_id: str
    name: str
    schema_id: str
    entity_type: Literal["custom_entity"] = "custom_entity"
    aliases: tuple[str, ...] = ()


class Registry(_Model):
    id: str
    name: str
    entities: tuple[Entity, ...] = ()


class StorageSchema(_Model):
    """A container, box, plate or location schema (``consch_``, ``boxsch_``, ``pltsch_``, ``locsch_``)."""

    id: str
    name: str
    kind: StorageKind


class StorageItem(_Model):
    """A container, box, plate or location; ``kind`` comes from the YAML list it is in."""

    id: str = Field(pattern=r"^(con|box|plt|loc)_")
    name: str
    barcode: str | None = None
    schema_id: str | None = None
    parent_storage_id: str | None = None
    kind: StorageKind = "container"


class EntrySchema(_Model):
    id: str
    name: str


class Entry(_Model):
    """A notebook entry: ``etr_…`` id and a display id such as ``EXP23-001``."""

    id: str = Field(pattern=r"^etr_")
    display_id: str
    name: str
    schema_id: str | None = None
    folder_id: str = "lib_sandbox01"


class FieldDefinition(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FieldType
    id: str | None = None
    required: bool = False
    multi: bool = False
    dropdown: str | None = None
    schema_id: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _check_type_specific_keys(self) -> FieldDefinition:
        if self.type not in SUPPORTED_FIELD_TYPES:
            raise ValueError(
                f"type {self.type!r} is not supported by the sandbox; "
                f"use one of {sorted(SUPPORTED_FIELD_TYPES)}"
            )
        if (self.type == "dropdown") != (self.dropdown is not None):
            raise ValueError(
                "'dropdown' (a dropdown id) is required for type dropdown and only allowed there"
            )
        if self.schema_id is not None and self.type not in _SCHEMA_LINKS:
            raise ValueError(f"'schema_id' is only allowed for {', '.join(_SCHEMA_LINKS)} fields")
        if self.type == "assay_run_link" and self.schema_id is None:
            raise ValueError("'schema_id' (the linked run schema) is required for assay_run_link fields")
        return self


class AssaySchema(_Model):
    id: str = Field(pattern=r"^assaysch_")
    name: str
    system_name: str
    fields: tuple[FieldDefinition, ...]

    def field(self, name: str) -> FieldDefinition | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_id(self, field: FieldDefinition) -> str:
        return field.id or f"tsf_{self.id.removeprefix('assaysch_')}_{field.name}"


class Tenant(_Model):
    """The seeded, read-only part of the sandbox: everything except runs, results, blobs and tasks."""

    organization: Party = Party(id="ent_org00001", handle="sandbox-lab", name="Sandbox Lab")
    user: Party = Party(id="ent_usr00001", handle="sandbox", name="Sandbox User")
    projects: tuple[Project, ...] = ()
    dropdowns: tuple[Dropdown, ...] = ()
    entity_schemas: tuple[EntitySchema, ...] = ()
    registries: tuple[Registry, ...] = ()
    storage_schemas: tuple[StorageSchema, ...] = ()
    locations: tuple[StorageItem, ...] = ()
    boxes: tuple[StorageItem, ...] = ()
    plates: tuple[StorageItem, ...] = ()
    containers: tuple[StorageItem, ...] = ()
    entry_schemas: tuple[EntrySchema, ...] = ()
    entries: tuple[Entry, ...] = ()
    assay_run_schemas: tuple[AssaySchema, ...] = ()
    assay_result_schemas: tuple[AssaySchema, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _storage_kinds(cls, raw: Any) -> Any:
        """Each storage list gives its items their kind (the YAML does not repeat it)."""
        if not isinstance(raw, dict):
            return raw
        raw = dict(raw)
        for key, kind in (
            ("locations", "location"),
            ("boxes", "box"),
            ("plates", "plate"),
            ("containers", "container"),
        ):
            items = raw.get(key)
            if isinstance(items, list):
                raw[key] = [{**item, "kind": kind} if isinstance(item, dict) else item for item in items]
        return raw

    @model_validator(mode="after")
    def _check_references(self) -> Tenant:
        ids = [s.id for s in (*self.assay_run_schemas, *self.assay_result_schemas)]
        ids += (
            [d.id for d in self.dropdowns] + [p.id for p in self.projects] + [r.id for r in self.registries]
        )
        ids += [e.id for e in self.entities()] + [i.id for i in self.storage_items()]
        ids += [s.id for s in self.storage_schemas] + [e.id for e in self.entries]
        ids += [s.id for s in self.entry_schemas]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"ids must be unique across the tenant; duplicated: {duplicates}")
        self._check_inventory()
        dropdown_ids = {d.id for d in self.dropdowns}
        run_schema_ids = {s.id for s in self.assay_run_schemas}
        entity_schema_ids = {s.id for s in self.entity_schemas}
        for kind, schemas in (
            ("assay_run_schemas", self.assay_run_schemas),
            ("assay_result_schemas", self.assay_result_schemas),
        ):
            for i, schema in enumerate(schemas):
                for j, fd in enumerate(schema.fields):
                    where = f"{kind}[{i}].fields[{j}]"
                    if fd.dropdown is not None and fd.dropdown not in dropdown_ids:
                        raise ValueError(
                            f"{where}.dropdown {fd.dropdown!r} is not one of {sorted(dropdown_ids)}"
                        )
                    if fd.type == "assay_run_link" and fd.schema_id not in run_schema_ids:
                        raise ValueError(
                            f"{where}.schema_id {fd.schema_id!r} is not a run schema: "
                            f"{sorted(run_schema_ids)}"
                        )
                    linked = {
                        "storage_link": {s.id for s in self.storage_schemas},
                        "entry_link": {s.id for s in self.entry_schemas},
                    }.get(fd.type)
                    if linked is not None and fd.schema_id is not None and fd.schema_id not in linked:
                        raise ValueError(f"{where}.schema_id {fd.schema_id!r} is not one of {sorted(linked)}")
        for i, registry in enumerate(self.registries):
            for j, entity in enumerate(registry.entities):
                if entity.schema_id not in entity_schema_ids:
                    raise ValueError(
                        f"registries[{i}].entities[{j}].schema_id {entity.schema_id!r} is not one of "
                        f"{sorted(entity_schema_ids)}"
                    )
        return self

    def _check_inventory(self) -> None:
        schema_kinds = {s.id: s.kind for s in self.storage_schemas}
        barcodes: list[str] = []
        for key, items in (
            ("locations", self.locations),
            ("boxes", self.boxes),
            ("plates", self.plates),
            ("containers", self.containers),
        ):
            for i, item in enumerate(items):
                where = f"{key}[{i}]"
                if not item.id.startswith(STORAGE_PREFIXES[item.kind]):
                    raise ValueError(
                        f"{where}.id {item.id!r} must start with {STORAGE_PREFIXES[item.kind]!r}"
                    )
                if item.schema_id is not None and schema_kinds.get(item.schema_id) != item.kind:
                    known = sorted(s for s, k in schema_kinds.items() if k == item.kind)
                    raise ValueError(
                        f"{where}.schema_id {item.schema_id!r} is not a {item.kind} schema: {known}"
                    )
                if item.parent_storage_id is not None and self.storage_item(item.parent_storage_id) is None:
                    raise ValueError(
                        f"{where}.parent_storage_id {item.parent_storage_id!r} is not a storage id"
                    )
                if item.barcode is not None:
                    barcodes.append(item.barcode)
        repeated = sorted({b for b in barcodes if barcodes.count(b) > 1})
        if repeated:
            raise ValueError(f"barcodes must be unique across the inventory; repeated: {repeated}")
        display_ids = [e.display_id for e in self.entries]
        repeated = sorted({d for d in display_ids if display_ids.count(d) > 1})
        if repeated:
            raise ValueError(f"entry display ids must be unique; repeated: {repeated}")
        entry_schema_ids = {s.id for s in self.entry_schemas}
        for i, entry in enumerate(self.entries):
            if entry.schema_id is not None and entry.schema_id not in entry_schema_ids:
                raise ValueError(
                    f"entries[{i}].schema_id {entry.schema_id!r} is not one of {sorted(entry_schema_ids)}"
                )

    def storage_items(self, kind: str | None = None) -> Iterator[StorageItem]:
        for items in (self.locations, self.boxes, self.plates, self.containers):
            yield from (item for item in items if kind is None or item.kind == kind)

    def storage_item(self, item_id: str) -> StorageItem | None:
        return next((i for i in self.storage_items() if i.id == item_id), None)

    def storage_schema(self, schema_id: str) -> StorageSchema | None:
        return next((s for s in self.storage_schemas if s.id == schema_id), None)

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def entities(self) -> Iterator[Entity]:
        for registry in self.registries:
            yield from registry.entities

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities() if e.id == entity_id), None)

    def registry_of(self, entity_id: str) -> Registry | None:
        return next((r for r in self.registries if any(e.id == entity_id for e in r.entities)), None)

    def entity_schema(self, schema_id: str) -> EntitySchema | None:
        return next((s for s in self.entity_schemas if s.id == schema_id), None)

    def dropdown(self, dropdown_id: str) -> Dropdown | None:
        return next((d for d in self.dropdowns if d.id == dropdown_id), None)

    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def run_schema(self, schema_id: str) -> AssaySchema | None:
        return next((s for s in self.assay_run_schemas if s.id == schema_id), None)

    def result_schema(self, schema_id: str) -> AssaySchema | None:
        return next((s for s in self.assay_result_schemas if s.id == schema_id), None)


def load_tenant(path: Path) -> Tenant:
    """Read and validate a tenant YAML file; raises ``ConfigError`` naming the file and the YAML key."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the sandbox tenant file '{path}': {exc}.", file=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"The sandbox tenant file '{path}' is not valid YAML (line {line}): {exc}.", file=path, line=line
        ) from exc
    return tenant_from_dict(raw, source=path)


def tenant_from_dict(raw: Any, *, source: Path | str = "<tenant>") -> Tenant:
    """Validate an already-parsed tenant mapping; errors name the key path."""
    if not isinstance(raw, dict):
        raise ConfigError(
            f"The sandbox tenant file '{source}' must hold a mapping at the top level, "
            f"found {type(raw).__name__}.",
            file=source,
        )
    try:
        return Tenant.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_key_path(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError(
            f"The sandbox tenant file '{source}' is invalid: " + "; ".join(problems) + ".",
            file=source,
            problems=problems,
        ) from exc


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"
