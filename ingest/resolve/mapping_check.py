"""Checking a parser mapping against the live tenant before anything is written.

``check_mapping`` reports every problem at once: unknown schemas, fields or dropdown options, required
fields left unmapped, sources that cannot fill a field's type, link fields wired to the wrong thing.
Columns are checked against the result contract of the mapping's technique (``ingest.contract``): its
``technique`` key, else the parsed file's, else liquid chromatography; columns the contract does not
name are a parser's extras and are checked per file, when the resolver meets them.
``bind_mapping`` returns the checked mapping with its schemas, project and registry resolved to ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ingest.contract import CONTRACTS, LIQUID_CHROMATOGRAPHY, ResultContract
from ingest.errors import MappingMismatchError
from ingest.resolve.coercion import NUMERIC_TYPES, TEXT_TYPES, CoercionError, coerce
from ingest.resolve.link_values import LOOKUP_LINK_TYPES, MATCHES
from ingest.resolve.mapping_file import FieldSource, ParserMapping, SchemaMap
from ingest.resolve.tenant import ENTITY_LINK_TYPES, FieldDef, SchemaDef, TenantLookup

_TYPES_FOR_STRINGS = TEXT_TYPES | LOOKUP_LINK_TYPES | {"dropdown", "json"}
_TYPES_FOR_NUMBERS = TEXT_TYPES | NUMERIC_TYPES | {"json"}
#: What a template or provenance value may fill: text, and link fields (a barcode in the file name).
_TYPES_FOR_TEXT_SOURCES = TEXT_TYPES | LOOKUP_LINK_TYPES | {"json"}
#: Provenance values that can name an inventory item or entry (``PLT-0001.csv``); a hash or parser cannot.
_LINK_PROVENANCE = ("file_stem", "file_name")
_TYPES_FOR_TIMESTAMPS = _TYPES_FOR_STRINGS | {"datetime", "date"}


@dataclass(frozen=True)
class BoundMapping:
    """A parser mapping whose names are resolved to ids and checked against the tenant."""

    mapping: ParserMapping
    run_schema: SchemaDef
    result_schema: SchemaDef | None
    project_id: str | None
    registry_id: str | None
    dropdowns: Mapping[str, Mapping[str, str]]


def _find_schema(
    name_or_id: str, wanted: Sequence[SchemaDef], other: Sequence[SchemaDef], kind: str, where: str
) -> tuple[SchemaDef | None, str | None]:
    for schema in wanted:
        if name_or_id in (schema.id, schema.name):
            return schema, None
    for schema in other:
        if name_or_id in (schema.id, schema.name):
            return None, f"{where}: '{name_or_id}' is not a {kind} schema (it is a {schema.kind} schema)"
    known = sorted(s.name for s in wanted)
    return None, f"{where}: {kind} schema '{name_or_id}' does not exist; known: {known}"


def _resolve_name(
    value: str | None, by_name: Mapping[str, str], what: str, where: str
) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if value in by_name.values():
        return value, None
    if value in by_name:
        return by_name[value], None
    return None, f"{where}: {what} '{value}' does not exist; known: {sorted(by_name)}"


def _check_field(
    name: str,
    source: FieldSource,
    schema: SchemaDef,
    mapping: ParserMapping,
    schema_map: SchemaMap,
    tenant: TenantLookup,
    dropdowns: dict[str, Mapping[str, str]],
    where: str,
    *,
    results: bool,
    contract: ResultContract | None,
) -> list[str]:
    field = schema.fields.get(name)
    if field is None:
        return [f"{where}: field '{name}' is not in schema '{schema.name}'; fields: {sorted(schema.fields)}"]
    if field.archived:
        return [f"{where}: field '{name}' of schema '{schema.name}' is archived"]
    problems: list[str] = []
    if field.type == "dropdown" and field.dropdown_id and field.dropdown_id not in dropdowns:
        dropdowns[field.dropdown_id] = tenant.dropdown_options(field.dropdown_id)
    kind = source.kind
    if kind == "blob":
        if field.type != "blob_link":
            problems.append(
                f"{where}: field '{name}' is {field.type}, a blob can only fill a blob_link field"
            )
        if source.blob not in mapping.blobs:
            problems.append(
                f"{where}: field '{name}' takes blob '{source.blob}', which is not defined under 'blobs'"
            )
    elif kind == "value":
        try:
            coerce(
                source.value,
                field,
                zone=schema_map.zone,
                dropdown_options=dropdowns.get(field.dropdown_id or ""),
                datetime_format=schema_map.tenant.datetime_format,
            )
        except CoercionError as exc:
            problems.append(
                f"{where}: field '{name}' ({field.type}) cannot take the constant {source.value!r}: {exc}"
            )
    elif kind == "column":
        if not results:
            problems.append(
                f"{where}: field '{name}' is a run field; a column cannot fill it (use 'metadata')"
            )
        else:
            column = contract.column(source.column or "") if contract is not None else None
            if column is not None and column.kind == "text" and field.type not in _TYPES_FOR_STRINGS:
                problems.append(
                    f"{where}: field '{name}' is {field.type} but column '{source.column}' holds text; "
                    f"expected a field of type {sorted(_TYPES_FOR_STRINGS)}"
                )
            elif (
                column is not None and column.kind == "timestamp" and field.type not in _TYPES_FOR_TIMESTAMPS
            ):
                problems.append(
                    f"{where}: field '{name}' is {field.type} but column '{source.column}' holds timestamps; "
                    f"expected a field of type {sorted(_TYPES_FOR_TIMESTAMPS)}"
                )
            elif column is not None and column.kind == "number" and field.type not in _TYPES_FOR_NUMBERS:
                problems.append(
                    f"{where}: field '{name}' is {field.type} but column '{source.column}' holds numbers; "
                    f"expected a field of type {sorted(_TYPES_FOR_NUMBERS)}"
                )
    elif kind == "json_columns":
        if not results:
            problems.append(
                f"{where}: field '{name}' is a run field; 'json_columns' fills result fields only"
            )
        if field.type != "json":
            problems.append(f"{where}: field '{name}' is {field.type}; 'json_columns' needs a json field")
    elif kind in ("template", "provenance") and field.type not in _TYPES_FOR_TEXT_SOURCES:
        problems.append(
            f"{where}: field '{name}' is {field.type}; a {kind} gives text, expected a text field"
        )
    elif (
        kind == "provenance" and field.type in LOOKUP_LINK_TYPES and source.provenance not in _LINK_PROVENANCE
    ):
        problems.append(
            f"{where}: field '{name}' is a {field.type}; provenance '{source.provenance}' cannot name "
            f"an item, expected one of {list(_LINK_PROVENANCE)}"
        )
    problems += _link_options(name, source, field, where)
    if field.type in ENTITY_LINK_TYPES | {"assay_run_link"} and kind != "value":
        problems.append(
            f"{where}: field '{name}' is a {field.type}; link it through 'sample' or 'run_link', not a {kind}"
        )
    return problems


def _link_options(name: str, source: FieldSource, field: FieldDef, where: str) -> list[str]:
    """``match`` and ``unknown`` belong to link fields, with the matches their type takes."""
    given = [key for key in ("match", "unknown") if getattr(source, key) is not None]
    if field.type not in LOOKUP_LINK_TYPES:
        if not given:
            return []
        return [f"{where}: field '{name}' is {field.type}; {given} apply to storage_link and entry_link only"]
    allowed = MATCHES[field.type]
    if source.match is not None and source.match not in allowed:
        return [f"{where}: field '{name}' ({field.type}) takes 'match' {list(allowed)}, not '{source.match}'"]
    return []


def _required(schema: SchemaDef, mapped: set[str], where: str) -> list[str]:
    return [
        f"{where}: required field '{f.name}' of schema '{schema.name}' is not mapped"
        for f in schema.fields.values()
        if f.is_required and not f.archived and f.name not in mapped
    ]


def _content_hash_field(schema_map: SchemaMap, mapping: ParserMapping, where: str) -> list[str]:
    """A tenant that assigns its own ids can be asked for a file's run only by the file's hash."""
    if schema_map.tenant.ids != "server_assigned":
        return []
    if any(s.kind == "provenance" and s.provenance == "sha256" for s in mapping.run.fields.values()):
        return []
    return [
        f"{where}: the tenant assigns its own ids ('tenant: ids: server_assigned'), so a file's run is "
        "found by its content hash: map a run field to {provenance: sha256} (e.g. "
        "'file_sha256: {provenance: sha256}')"
    ]


def mapping_contract(mapping: ParserMapping, technique: str | None = None) -> ResultContract | None:
    """The contract a mapping's columns are checked against: its own technique, else ``technique``
    (the parsed file's, or the parser's only one), else liquid chromatography's."""
    return CONTRACTS.get(mapping.technique or technique or LIQUID_CHROMATOGRAPHY)


def check_mapping(
    schema_map: SchemaMap, mapping: ParserMapping, tenant: TenantLookup, *, technique: str | None = None
) -> tuple[BoundMapping | None, list[str]]:
    """Check one parser mapping; returns the bound mapping (None when problems) and every problem.

    ``technique``: the technique of the file being resolved (see :func:`mapping_contract`).
    """
    where = f"mapping '{mapping.parser}'" + (f" (folder {mapping.folder})" if mapping.folder else "")
    if mapping.technique:
        where += f" (technique {mapping.technique})"
    contract = mapping_contract(mapping, technique)
    problems: list[str] = []
    run_schemas, result_schemas = tenant.run_schemas(), tenant.result_schemas()
    run_schema, problem = _find_schema(
        mapping.run.schema_, run_schemas, result_schemas, "run", f"{where} run"
    )
    problems += [problem] if problem else []
    result_schema: SchemaDef | None = None
    if mapping.results is not None:
        result_schema, problem = _find_schema(
            mapping.results.schema_, result_schemas, run_schemas, "result", f"{where} results"
        )
        problems += [problem] if problem else []
    project_id, problem = _resolve_name(schema_map.project_for(mapping), tenant.projects(), "project", where)
    problems += [problem] if problem else []
    registry_id, problem = _resolve_name(
        schema_map.registry_for(mapping), tenant.registries(), "registry", where
    )
    problems += [problem] if problem else []
    dropdowns: dict[str, Mapping[str, str]] = {}

    if run_schema is not None:
        for name, source in mapping.run.fields.items():
            problems += _check_field(
                name,
                source,
                run_schema,
                mapping,
                schema_map,
                tenant,
                dropdowns,
                f"{where} run",
                results=False,
                contract=contract,
            )
        problems += _required(run_schema, set(mapping.run.fields), f"{where} run")
        problems += _content_hash_field(schema_map, mapping, f"{where} run")
        note = mapping.run.note_field
        if note is not None:
            note_field = run_schema.fields.get(note)
            if note_field is None or note_field.type not in TEXT_TYPES:
                problems.append(
                    f"{where} run: note_field '{note}' must be a text field of '{run_schema.name}'"
                )

    if mapping.results is not None and result_schema is not None:
        section = mapping.results
        rwhere = f"{where} results"
        for name, source in section.fields.items():
            problems += _check_field(
                name,
                source,
                result_schema,
                mapping,
                schema_map,
                tenant,
                dropdowns,
                rwhere,
                results=True,
                contract=contract,
            )
        link: FieldDef | None = result_schema.fields.get(section.run_link)
        if link is None or link.type != "assay_run_link":
            problems.append(
                f"{rwhere}: run_link '{section.run_link}' must be an assay_run_link field "
                f"of '{result_schema.name}'"
            )
        elif run_schema is not None and link.schema_id not in (None, run_schema.id):
            problems.append(
                f"{rwhere}: run_link '{section.run_link}' links runs of schema '{link.schema_id}', "
                f"not '{run_schema.id}' ({run_schema.name})"
            )
        mapped = set(section.fields) | {section.run_link}
        if section.sample is not None:
            mapped.add(section.sample.field)
            sample_field = result_schema.fields.get(section.sample.field)
            if sample_field is None or sample_field.type not in ENTITY_LINK_TYPES:
                problems.append(
                    f"{rwhere}: sample field '{section.sample.field}' must be an entity link field of "
                    f"'{result_schema.name}' (one of {sorted(ENTITY_LINK_TYPES)})"
                )
            if registry_id is None and schema_map.registry_for(mapping) is None:
                problems.append(
                    f"{rwhere}: 'sample' needs a registry (set 'registry' or 'defaults.registry')"
                )
        problems += _required(result_schema, mapped, rwhere)

    if problems or run_schema is None:
        return None, problems
    return (
        BoundMapping(
            mapping=mapping,
            run_schema=run_schema,
            result_schema=result_schema,
            project_id=project_id,
            registry_id=registry_id,
            dropdowns=dropdowns,
        ),
        [],
    )


def check_all(
    schema_map: SchemaMap,
    tenant: TenantLookup,
    *,
    parser_techniques: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """Every problem of every mapping in the file. ``parser_techniques`` (each parser's declared
    techniques) gives a mapping without a ``technique`` key its parser's technique when it has one."""
    problems: list[str] = []
    for mapping in schema_map.mappings:
        declared = (parser_techniques or {}).get(mapping.parser, ())
        technique = declared[0] if len(declared) == 1 else None
        problems += check_mapping(schema_map, mapping, tenant, technique=technique)[1]
    return problems


def bind_mapping(
    schema_map: SchemaMap, mapping: ParserMapping, tenant: TenantLookup, *, technique: str | None = None
) -> BoundMapping:
    bound, problems = check_mapping(schema_map, mapping, tenant, technique=technique)
    if bound is None:
        raise MappingMismatchError(
            f"The mapping for parser '{mapping.parser}' does not fit the tenant: {len(problems)} problem(s): "
            + "; ".join(problems),
            problems=problems,
        )
    return bound
