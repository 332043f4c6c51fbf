"""ParsedFile + mapping + tenant -> RunPlan: the exact bodies to send, checked before any write.

Pure apart from the injected lookups (tenant schemas; registered entities, inventory and notebook entries,
each looked up once per file) and the PNG renderer. Every
problem found in a file is reported at once in one ResolveError. Blob ids are not known until upload,
so a blob field holds a :class:`~ingest.models.BlobRef` that the load stage fills in. Run and result ids
derive from the content (``ingest.resolve.identity``): the same file always plans the same ids.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ingest.errors import AttachmentMissingError, EntitiesNotFoundError, ResolveError
from ingest.models import BlobRef, ParsedFile, PlannedObject, RunPlan
from ingest.resolve.blob_plan import RenderPng, plan_blobs
from ingest.resolve.coercion import CoercionError, coerce, is_missing
from ingest.resolve.identity import Identity, result_id_for
from ingest.resolve.link_values import fill_link_fields
from ingest.resolve.mapping_check import BoundMapping, bind_mapping
from ingest.resolve.mapping_file import FieldSource, SchemaMap
from ingest.resolve.tenant import EntityLookup, FieldDef, TenantLookup

MAX_LISTED_PROBLEMS = 25


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.missing_files = 0

    def add(self, text: str) -> None:
        self.items.append(text)

    def add_missing_file(self, text: str) -> None:
        self.items.append(text)
        self.missing_files += 1


def resolve(
    parsed: ParsedFile,
    *,
    source: Path,
    sha256: str,
    schema_map: SchemaMap,
    tenant: TenantLookup,
    entities: EntityLookup,
    identity: Identity,
    folder: Path | None = None,
    render_png: RenderPng | None = None,
) -> RunPlan:
    """Build the RunPlan for one parsed export, or raise ResolveError listing every problem.

    Its ids derive from ``identity``, the run schema and ``sha256``; each result's from the run id and
    its row in ``parsed.results``."""
    parser = parsed.provenance.parser
    mapping = schema_map.for_parser(parser, folder, parsed.technique)
    if mapping is None:
        raise ResolveError(
            f"No mapping for parser '{parser}' and technique '{parsed.technique}' in the schema map "
            f"(file '{source}'). Expected an entry under 'mappings:' with 'parser: {parser}' (and no "
            f"'technique', or 'technique: {parsed.technique}'); mapped: {schema_map.parsers()}.",
            file=str(source),
        )
    bound = bind_mapping(schema_map, mapping, tenant, technique=parsed.technique)
    problems = _Problems()
    context = _template_values(parsed, source, sha256)
    planned_blobs = plan_blobs(parsed, source, bound.mapping, render_png)
    for text in planned_blobs.problems:
        problems.add(text)
    for text in planned_blobs.missing_files:
        problems.add_missing_file(text)
    blobs, blob_keys, column_blobs = planned_blobs.uploads, planned_blobs.keys, planned_blobs.by_value

    run_id = identity.run_id(bound.run_schema.id, sha256)
    run_fields: dict[str, Any] = {}
    for name, src in mapping.run.fields.items():
        field = bound.run_schema.fields[name]
        value = _value(
            src,
            field,
            bound,
            schema_map,
            parsed.metadata,
            None,
            context,
            blob_keys,
            None,
            problems,
            f"run field '{name}'",
        )
        if value is not None:
            run_fields[name] = value

    results: list[PlannedObject] = []
    skipped: list[int] = []
    warnings = list(parsed.warnings)
    section = mapping.results
    frame = parsed.results
    if section is not None and bound.result_schema is not None and len(frame) > 0:
        samples = _resolve_samples(parsed, source, bound, entities, problems)
        records: list[dict[str, Any]] = [
            {str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")
        ]
        for index, row in enumerate(records):
            row_no = index + 1
            fields: dict[str, Any] = {section.run_link: run_id}
            if section.sample is not None:
                registry_id = _sample_key(
                    section.sample.column, section.sample.metadata, row, parsed.metadata
                )
                if registry_id is None:
                    problems.add(
                        f"row {row_no}: no sample registry ID "
                        f"(expected a value in '{section.sample.column or section.sample.metadata}')"
                    )
                    continue
                api_id = samples.get(registry_id)
                if api_id is None:
                    skipped.append(row_no)
                    continue
                fields[section.sample.field] = api_id
            for name, src in section.fields.items():
                field = bound.result_schema.fields[name]
                value = _value(
                    src,
                    field,
                    bound,
                    schema_map,
                    parsed.metadata,
                    row,
                    context,
                    blob_keys,
                    column_blobs,
                    problems,
                    f"row {row_no} field '{name}'",
                )
                if value is not None:
                    fields[name] = value
            for field in bound.result_schema.fields.values():
                if field.is_required and field.name not in fields and not field.archived:
                    problems.add(f"row {row_no}: required field '{field.name}' has no value")
            results.append(
                PlannedObject(result_id_for(run_id, index), bound.result_schema.id, fields, bound.project_id)
            )
        if skipped:
            missing = (
                sorted(
                    {
                        str(
                            _sample_key(
                                section.sample.column,
                                section.sample.metadata,
                                records[i - 1],
                                parsed.metadata,
                            )
                        )
                        for i in skipped
                    }
                )
                if section.sample
                else []
            )
            note = f"Skipped {len(skipped)} row(s) with unregistered samples: {', '.join(missing)}."
            warnings.append(note)
            if mapping.run.note_field:
                previous = run_fields.get(mapping.run.note_field)
                run_fields[mapping.run.note_field] = f"{previous}\n{note}" if previous else note

    linked = fill_link_fields(
        bound.mapping, bound.run_schema, bound.result_schema, run_fields, results, entities
    )
    run_fields, results = linked.run_fields, linked.results
    for text in linked.problems:
        problems.add(text)
    warnings.extend(linked.skipped)
    for field in bound.run_schema.fields.values():
        if field.is_required and field.name not in run_fields and not field.archived:
            problems.add(f"run field '{field.name}' is required but has no value")

    if problems.items:
        listed = problems.items[:MAX_LISTED_PROBLEMS]
        more = len(problems.items) - len(listed)
        # Only missing files: they may still be arriving, so the pipeline may wait before giving up.
        error = AttachmentMissingError if problems.missing_files == len(problems.items) else ResolveError
        raise error(
            f"File '{source}' cannot be sent to Benchling: {len(problems.items)} problem(s): "
            + "; ".join(listed)
            + (f"; and {more} more" if more else "")
            + ".",
            problems=problems.items,
            file=str(source),
        )
    plan = RunPlan(
        source=source,
        sha256=sha256,
        parser=parser,
        run=PlannedObject(run_id, bound.run_schema.id, run_fields, bound.project_id),
        results=tuple(results),
        blobs=tuple(blobs),
        warnings=tuple(warnings),
        skipped_rows=tuple(skipped),
        links=linked.resolved,
    )
    used = plan.used_blob_keys()
    return replace(plan, blobs=tuple(b for b in blobs if b.key in used))


def _template_values(parsed: ParsedFile, source: Path, sha256: str) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in parsed.metadata.items() if v is not None}
    values.update(
        parser=parsed.provenance.parser,
        parser_version=parsed.provenance.parser_version,
        sha256=sha256,
        file_name=source.name,
        file_stem=source.stem,
        encoding=parsed.provenance.encoding or "",
    )
    return values


def _sample_key(
    column: str | None, metadata_key: str | None, row: Mapping[str, Any], metadata: Mapping[str, Any]
) -> str | None:
    value = row.get(column) if column else metadata.get(metadata_key or "")
    if is_missing(value):
        return None
    return str(value).strip()


def _resolve_samples(
    parsed: ParsedFile, source: Path, bound: BoundMapping, entities: EntityLookup, problems: _Problems
) -> dict[str, str]:
    section = bound.mapping.results
    if section is None or section.sample is None or bound.registry_id is None:
        return {}
    sample = section.sample
    if sample.column is not None:
        if sample.column not in parsed.results.columns:
            problems.add(
                f"sample column '{sample.column}' is not in the results; "
                f"columns: {list(parsed.results.columns)}"
            )
            return {}
        values = parsed.results[sample.column].dropna().astype(str).str.strip().unique().tolist()
    else:
        value = parsed.metadata.get(sample.metadata or "")
        values = [] if is_missing(value) else [str(value).strip()]
    wanted = sorted(v for v in values if v)
    if not wanted:
        return {}
    # ``missing`` is what the client read from Benchling's answer, whichever form it took; a key in
    # neither (which a lookup never leaves) would count as missing too rather than slip through.
    lookup = entities.registered_entities(bound.registry_id, wanted)
    found = dict(lookup.found)
    missing = sorted(set(lookup.missing) | {v for v in wanted if v not in found})
    if missing and sample.unknown == "fail":
        raise EntitiesNotFoundError(
            f"File '{source}' names {len(missing)} sample(s) not registered in registry "
            f"'{bound.registry_id}': {', '.join(missing)}. Expected registry IDs of registered entities.",
            missing=missing,
            file=str(source),
        )
    return found


def _value(
    src: FieldSource,
    field: FieldDef,
    bound: BoundMapping,
    schema_map: SchemaMap,
    metadata: Mapping[str, Any],
    row: Mapping[str, Any] | None,
    context: Mapping[str, Any],
    blob_keys: Mapping[str, list[str]],
    column_blobs: Mapping[str, Mapping[str, str]] | None,
    problems: _Problems,
    where: str,
) -> Any:
    kind = src.kind
    raw: Any
    if kind == "blob":
        assert src.blob is not None
        spec = bound.mapping.blobs[src.blob]
        if spec.from_ == "column" and row is not None and column_blobs is not None:
            value = row.get(spec.column or "")
            key = None if is_missing(value) else column_blobs.get(src.blob, {}).get(str(value).strip())
            keys = [key] if key else []
        else:
            keys = blob_keys.get(src.blob, [])
        if not keys:
            return None
        refs = [BlobRef(k) for k in keys]
        return refs if field.is_multi else refs[0]
    if kind == "metadata":
        raw = metadata.get(src.metadata or "")
    elif kind == "column":
        if row is None or src.column not in row:
            if row is not None:
                problems.add(f"{where}: column '{src.column}' is not in the results; columns: {sorted(row)}")
            return None
        raw = row[src.column or ""]
    elif kind == "value":
        raw = src.value
    elif kind == "provenance":
        raw = context.get(src.provenance or "")
    elif kind == "template":
        try:
            raw = string.Formatter().vformat(src.template or "", (), _Strict(context))
        except KeyError as exc:
            problems.add(
                f"{where}: template {src.template!r} names {exc.args[0]!r}, which this file does not have"
            )
            return None
    else:  # json_columns
        raw = {
            c: (None if row is None or is_missing(row.get(c)) else row.get(c)) for c in src.json_columns or ()
        }
        if all(v is None for v in raw.values()):
            return None
    if is_missing(raw):
        if src.default is None:
            return None
        raw = src.default
    try:
        return coerce(
            raw,
            field,
            zone=schema_map.zone,
            dropdown_options=bound.dropdowns.get(field.dropdown_id or ""),
            datetime_format=schema_map.tenant.datetime_format,
        )
    except CoercionError as exc:
        problems.add(f"{where} ({field.type}): {exc}")
        return None


class _Strict(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)
