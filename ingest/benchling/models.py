"""Typed wire models for the parts of Benchling's API the pipeline uses (camelCase on the wire)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """Responses: tolerant of fields we do not use (Benchling adds fields over time)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class RequestModel(BaseModel):
    """Request bodies: strict, so a typo in a plan fails here, not as a 400 from the tenant."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class ArchiveRecord(WireModel):
    reason: str | None = None


class SchemaRef(WireModel):
    id: str
    name: str | None = None


class FieldDefinition(WireModel):
    id: str | None = None
    name: str
    type: str
    is_multi: bool = False
    is_required: bool = False
    schema_id: str | None = None
    dropdown_id: str | None = None
    unit: dict[str, Any] | None = None
    archive_record: ArchiveRecord | None = None


class AssaySchema(WireModel):
    """A run schema (``type == "assay_run"``) or result schema (``"assay_result"``)."""

    id: str
    name: str
    type: str
    system_name: str | None = None
    field_definitions: tuple[FieldDefinition, ...] = ()
    archive_record: ArchiveRecord | None = None


class AssayRun(WireModel):
    id: str
    schema_ref: SchemaRef | None = Field(default=None, alias="schema")
    fields: dict[str, Any] = {}
    project_id: str | None = None
    entry_id: str | None = None
    archive_record: ArchiveRecord | None = None
    created_at: str | None = None
    validation_status: str | None = None


class AssayResult(WireModel):
    id: str
    schema_ref: SchemaRef | None = Field(default=None, alias="schema")
    fields: dict[str, Any] = {}
    project_id: str | None = None
    archive_record: ArchiveRecord | None = None
    created_at: str | None = None


class UserValidation(RequestModel):
    validation_status: Literal["VALID", "INVALID"]
    validation_comment: str | None = None


class AssayRunCreate(RequestModel):
    schema_id: str
    fields: dict[str, Any]
    id: str | None = None
    project_id: str | None = None
    validation_status: Literal["VALID", "INVALID"] | None = None
    validation_comment: str | None = None


class AssayResultCreate(RequestModel):
    schema_id: str
    fields: dict[str, Any]
    id: str | None = None
    project_id: str | None = None
    field_validation: dict[str, UserValidation] | None = None


BlobType = Literal["RAW_FILE", "VISUALIZATION"]


class Blob(WireModel):
    id: str
    name: str | None = None
    type: str | None = None
    mime_type: str | None = None
    upload_status: Literal["IN_PROGRESS", "COMPLETE", "ABORTED"] | None = None


class BlobPart(WireModel):
    part_number: int
    e_tag: str = Field(alias="eTag")


class Registry(WireModel):
    id: str
    name: str


class RegisteredEntity(WireModel):
    """A registered entity; ``entity_type`` is Benchling's discriminator (custom_entity, dna_sequence…)."""

    id: str
    entity_registry_id: str | None = None
    registry_id: str | None = None
    name: str | None = None
    entity_type: str | None = None
    archive_record: ArchiveRecord | None = None


class AsyncTask(WireModel):
    status: Literal["RUNNING", "SUCCEEDED", "FAILED"]
    response: dict[str, Any] | None = None
    message: str | None = None
    errors: Any = None


class DropdownOption(WireModel):
    id: str
    name: str
    archive_record: ArchiveRecord | None = None


class Dropdown(WireModel):
    id: str
    name: str
    options: tuple[DropdownOption, ...] = ()
    archive_record: ArchiveRecord | None = None


class Project(WireModel):
    id: str
    name: str
    archive_record: ArchiveRecord | None = None


StorageKind = Literal["container", "box", "plate", "location"]


class StorageItem(WireModel):
    """A container, box, plate or location (the kinds a ``storage_link`` field can point at).

    ``kind`` is set by the client from the endpoint that answered (Benchling's bodies do not carry it).
    """

    id: str
    name: str | None = None
    barcode: str | None = None
    kind: StorageKind
    schema_ref: SchemaRef | None = Field(default=None, alias="schema")
    parent_storage_id: str | None = None
    archive_record: ArchiveRecord | None = None


class Entry(WireModel):
    """A notebook entry (what an ``entry_link`` field points at): ``etr_…`` id and its display id."""

    id: str
    display_id: str | None = None
    name: str | None = None
    folder_id: str | None = None
    schema_ref: SchemaRef | None = Field(default=None, alias="schema")
    archive_record: ArchiveRecord | None = None
