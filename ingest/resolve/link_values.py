"""``storage_link`` and ``entry_link`` values → the ids Benchling takes, with one batched lookup per file.

Benchling wants the id of the linked item (``plt_…``, ``etr_…``); exports carry barcodes, names or
display ids. Every such value of a file (run and results alike) is gathered first and looked up in as
few calls as possible: inventory ids once, barcodes once (one call per storage kind the fields allow),
the values no barcode matched once by name, entries once by id and once by display id. Each value is then
judged per field: it must name exactly one item, of the field's schema when the field has one. Every
value that does not is reported at once, or, with ``unknown: skip``, left out with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ingest.benchling.inventory import ALL_STORAGE_KINDS, storage_kind_of
from ingest.benchling.models import StorageKind
from ingest.models import PlannedObject, ResolvedLink
from ingest.resolve.mapping_file import FieldSource, LinkMatch, ParserMapping
from ingest.resolve.tenant import EntityLookup, FieldDef, LinkTarget, SchemaDef

#: Fields whose values name inventory items or notebook entries, resolved here.
LOOKUP_LINK_TYPES = frozenset({"storage_link", "entry_link"})

#: Benchling's storage schema id prefixes: a field whose ``schemaId`` has one links that kind only.
_SCHEMA_PREFIXES: dict[str, StorageKind] = {
    "consch_": "container",
    "pltsch_": "plate",
    "boxsch_": "box",
    "locsch_": "location",
}
ENTRY_ID_PREFIX = "etr_"
#: Which ``match`` values each link type takes.
MATCHES: dict[str, tuple[LinkMatch, ...]] = {
    "storage_link": ("auto", "id", "barcode", "name"),
    "entry_link": ("auto", "id", "display_id"),
}


@dataclass(frozen=True)
class LinkField:
    """One link field of the file's run (``scope="run"``) or results, with its mapping options."""

    scope: Literal["run", "results"]
    field: FieldDef
    match: LinkMatch = "auto"
    unknown: Literal["fail", "skip"] = "fail"

    @property
    def where(self) -> str:
        return f"{'run' if self.scope == 'run' else 'result'} field '{self.field.name}' ({self.field.type})"

    def kinds(self) -> tuple[StorageKind, ...]:
        """The storage kinds this field can point at: its schema's kind when known, else all."""
        schema = self.field.schema_id or ""
        kind = next((k for prefix, k in _SCHEMA_PREFIXES.items() if schema.startswith(prefix)), None)
        return (kind,) if kind else ALL_STORAGE_KINDS


@dataclass
class LinkAnswers:
    """For each (field, value): the id, or why it has none. ``problems`` fail the file, ``skipped`` are
    warnings (``unknown: skip``); ``resolved`` says which item each value became."""

    ids: dict[tuple[LinkField, str], str] = field(default_factory=dict)
    resolved: list[ResolvedLink] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def resolve_link_values(wanted: Mapping[LinkField, Iterable[str]], lookup: EntityLookup) -> LinkAnswers:
    """Look every value up (batched across fields) and judge it for its field."""
    values = {link: list(dict.fromkeys(texts)) for link, texts in wanted.items()}
    storage = {link: texts for link, texts in values.items() if link.field.type == "storage_link"}
    entries = {link: texts for link, texts in values.items() if link.field.type == "entry_link"}
    answers = LinkAnswers()
    if storage:
        _judge(storage, _StorageFinds.look_up(storage, lookup), answers)
    if entries:
        _judge(entries, _EntryFinds.look_up(entries, lookup), answers)
    return answers


@dataclass(frozen=True)
class FilledLinks:
    """A file's run fields and results with link values replaced by ids (unresolved ones removed)."""

    run_fields: dict[str, Any]
    results: list[PlannedObject]
    resolved: tuple[ResolvedLink, ...] = ()
    problems: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


def fill_link_fields(
    mapping: ParserMapping,
    run_schema: SchemaDef,
    result_schema: SchemaDef | None,
    run_fields: Mapping[str, Any],
    results: Sequence[PlannedObject],
    lookup: EntityLookup,
) -> FilledLinks:
    """Replace the texts the resolver put in link fields (run and results alike) by the ids they name,
    looked up once for the whole file."""
    run_links = _link_fields("run", run_schema, mapping.run.fields)
    result_links = (
        _link_fields("results", result_schema, mapping.results.fields)
        if mapping.results is not None and result_schema is not None
        else {}
    )
    wanted: dict[LinkField, list[str]] = {}
    for fields, links in [(run_fields, run_links)] + [(r.fields, result_links) for r in results]:
        for name, link in links.items():
            wanted.setdefault(link, []).extend(_texts(fields.get(name)))
    wanted = {link: texts for link, texts in wanted.items() if texts}
    if not wanted:
        return FilledLinks(dict(run_fields), list(results))
    answers = resolve_link_values(wanted, lookup)

    def filled(fields: Mapping[str, Any], links: Mapping[str, LinkField]) -> dict[str, Any]:
        out = dict(fields)
        for name, link in links.items():
            if name in out:
                ids = [answers.ids[(link, t)] for t in _texts(out[name]) if (link, t) in answers.ids]
                if not ids:
                    del out[name]
                else:
                    out[name] = ids if link.field.is_multi else ids[0]
        return out

    return FilledLinks(
        filled(run_fields, run_links),
        [replace(r, fields=filled(r.fields, result_links)) for r in results],
        tuple(dict.fromkeys(answers.resolved)),
        tuple(answers.problems),
        tuple(answers.skipped),
    )


def _link_fields(
    scope: Literal["run", "results"], schema: SchemaDef, sources: Mapping[str, FieldSource]
) -> dict[str, LinkField]:
    links: dict[str, LinkField] = {}
    for name, source in sources.items():
        field_def = schema.fields.get(name)
        if field_def is not None and field_def.type in LOOKUP_LINK_TYPES:
            links[name] = LinkField(scope, field_def, source.match or "auto", source.unknown or "fail")
    return links


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


# -- looking up ------------------------------------------------------------------------------------------


class _Finds:
    """What the batched lookups found: candidates for a value as a given field reads it."""

    def __init__(self) -> None:
        self.by_id: dict[str, LinkTarget] = {}
        self.by_key: dict[str, LinkTarget] = {}
        self.by_name: dict[str, Sequence[LinkTarget]] = {}

    def candidates(self, link: LinkField, text: str) -> list[LinkTarget]:
        match = link.match
        if match == "id" or (match == "auto" and _looks_like_id(link, text)):
            hit = self.by_id.get(text)
            return [hit] if hit else []
        if match in ("barcode", "display_id", "auto"):
            hit = self.by_key.get(text)
            if hit is not None or match != "auto" or link.field.type != "storage_link":
                return [hit] if hit else []
        return [t for t in self.by_name.get(text, ()) if t.kind in link.kinds()]


def _looks_like_id(link: LinkField, text: str) -> bool:
    if link.field.type == "entry_link":
        return text.startswith(ENTRY_ID_PREFIX)
    return storage_kind_of(text) is not None


class _StorageFinds(_Finds):
    @classmethod
    def look_up(cls, storage: Mapping[LinkField, list[str]], lookup: EntityLookup) -> _StorageFinds:
        finds = cls()
        ids = _union(t for link, texts in storage.items() for t in texts if _reads_as(link, t) == "id")
        if ids:
            finds.by_id = dict(lookup.storage_by_ids(ids).found)
        by_barcode = [
            (link, t) for link, texts in storage.items() for t in texts if _reads_as(link, t) == "key"
        ]
        barcodes = _union(t for _, t in by_barcode)
        if barcodes:
            kinds = _kinds(link for link, _ in by_barcode)
            finds.by_key = dict(lookup.storage_by_barcodes(barcodes, kinds).found)
        # Names: what the field says is a name, and ``auto`` values no barcode matched.
        by_name = [
            (link, t)
            for link, texts in storage.items()
            for t in texts
            if _reads_as(link, t) == "name" or (_reads_as(link, t) == "key" and link.match == "auto")
        ]
        by_name = [(link, t) for link, t in by_name if link.match == "name" or t not in finds.by_key]
        names = _union(t for _, t in by_name)
        if names:
            finds.by_name = dict(lookup.storage_by_names(names, _kinds(link for link, _ in by_name)))
        return finds


class _EntryFinds(_Finds):
    @classmethod
    def look_up(cls, entries: Mapping[LinkField, list[str]], lookup: EntityLookup) -> _EntryFinds:
        finds = cls()
        ids = _union(t for link, texts in entries.items() for t in texts if _reads_as(link, t) == "id")
        if ids:
            finds.by_id = dict(lookup.entries_by_ids(ids).found)
        display_ids = _union(
            t for link, texts in entries.items() for t in texts if _reads_as(link, t) == "key"
        )
        if display_ids:
            finds.by_key = dict(lookup.entries_by_display_ids(display_ids).found)
        return finds


def _reads_as(link: LinkField, text: str) -> Literal["id", "key", "name"]:
    """How the first lookup of a value goes: by id, by barcode/display id, or by name."""
    if link.match == "id" or (link.match == "auto" and _looks_like_id(link, text)):
        return "id"
    return "name" if link.match == "name" else "key"


def _union(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _kinds(links: Iterable[LinkField]) -> tuple[StorageKind, ...]:
    wanted = {kind for link in links for kind in link.kinds()}
    return tuple(kind for kind in ALL_STORAGE_KINDS if kind in wanted)


# -- judging ---------------------------------------------------------------------------------------------


def _judge(values: Mapping[LinkField, list[str]], finds: _Finds, answers: LinkAnswers) -> None:
    for link, texts in values.items():
        bad: list[str] = []
        for text in texts:
            candidates = finds.candidates(link, text)
            fitting = [t for t in candidates if _fits(link, t)]
            if len(fitting) == 1:
                target = fitting[0]
                answers.ids[(link, text)] = target.id
                answers.resolved.append(ResolvedLink(link.field.name, text, target.id, target.label()))
            elif not candidates:
                bad.append(f"{text!r} (no {_what(link)} {_described_by(link)})")
            elif not fitting:
                shown = ", ".join(f"{t.id}: {t.label()} of schema {t.schema_id}" for t in candidates)
                bad.append(f"{text!r} (is {shown}; expected schema {link.field.schema_id})")
            else:
                shown = ", ".join(f"{t.id} ({t.label()})" for t in fitting)
                bad.append(f"{text!r} (names {len(fitting)} items: {shown}; give a barcode or id instead)")
        if not bad:
            continue
        if link.unknown == "skip" and not link.field.is_required:
            answers.skipped.append(
                f"Left {link.where} empty for {len(bad)} value(s) that name no single item: {'; '.join(bad)}."
            )
        else:
            # A required field is not left empty even with ``unknown: skip``: the create would be refused.
            note = (
                " (the field is required, so 'unknown: skip' cannot leave it empty)"
                if link.unknown == "skip"
                else ""
            )
            answers.problems.append(
                f"{link.where}: {len(bad)} value(s) name no single item{note}: {'; '.join(bad)}"
            )


def _fits(link: LinkField, target: LinkTarget) -> bool:
    if link.field.type == "storage_link" and target.kind not in link.kinds():
        return False
    return link.field.schema_id is None or target.schema_id == link.field.schema_id


def _what(link: LinkField) -> str:
    if link.field.type == "entry_link":
        return "notebook entry"
    kinds = link.kinds()
    return kinds[0] if len(kinds) == 1 else "container, plate, box or location"


def _described_by(link: LinkField) -> str:
    return {
        "id": "has this id",
        "barcode": "has this barcode",
        "name": "has this name",
        "display_id": "has this display id",
    }.get(
        link.match,
        "has this display id or id" if link.field.type == "entry_link" else "has this barcode, name or id",
    )
