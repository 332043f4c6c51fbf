"""``schemas_map.yaml``: which Benchling schemas and fields each parser's output goes to.

The file holds no logic: per parser (optionally per watched folder), the run and result schemas, the
project and registry, where each field's value comes from, which column names the sample, which
result field links to the run, and which files become blobs. It is validated with pydantic at start-up;
every error names the YAML line. Whether the named schemas and fields exist is checked later, against
the live tenant, by ``resolver.check_mapping``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.contract import CONTRACTS
from ingest.errors import ConfigError
from ingest.models import DateOrderHint, DecimalHint, FormulaTextPolicy, ParseHints, text_encoding

PROVENANCE_KEYS = ("parser", "parser_version", "sha256", "file_name", "file_stem", "encoding")

#: How datetime field values are written (``tenant.datetime_format``).
DatetimeFormat = Literal["rfc3339", "display_12h"]
#: What a storage_link/entry_link value is: ``auto`` reads ids by their prefix (``con_``, ``etr_``…), tries
#: other values as barcodes (inventory) or display ids (entries), then inventory names.
LinkMatch = Literal["auto", "id", "barcode", "name", "display_id"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FieldSource(_Strict):
    """Where one field's value comes from: exactly one of the source keys."""

    metadata: str | None = None
    column: str | None = None
    value: Any = None
    template: str | None = None
    provenance: Literal["parser", "parser_version", "sha256", "file_name", "file_stem", "encoding"] | None = (
        None
    )
    blob: str | None = None
    json_columns: tuple[str, ...] | None = None
    #: Used when the source gives no value for a file or row.
    default: Any = None
    #: storage_link/entry_link fields only: what the value is (default ``auto``), and whether a value that
    #: names no item, several, or one of another schema fails the file (default) or leaves the field empty.
    match: LinkMatch | None = None
    unknown: Literal["fail", "skip"] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> FieldSource:
        given = [k for k in _SOURCE_KEYS if k in self.model_fields_set]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {list(_SOURCE_KEYS)} (found {given or 'none'})")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in _SOURCE_KEYS if k in self.model_fields_set)


_SOURCE_KEYS = ("metadata", "column", "value", "template", "provenance", "blob", "json_columns")


class SampleLink(_Strict):
    """The result field that links to the sample entity, and where its registry ID is found."""

    field: str
    column: str | None = None
    metadata: str | None = None
    unknown: Literal["fail", "skip"] = "fail"

    @model_validator(mode="after")
    def _one_source(self) -> SampleLink:
        if (self.column is None) == (self.metadata is None):
            raise ValueError("give exactly one of 'column' or 'metadata' for the sample's registry ID")
        return self


class RunSection(_Strict):
    schema_: str = Field(alias="schema")
    fields: dict[str, FieldSource] = Field(default_factory=dict)
    #: A text field that receives a note about rows skipped for unknown samples.
    note_field: str | None = None


class ResultSection(_Strict):
    schema_: str = Field(alias="schema")
    run_link: str
    sample: SampleLink | None = None
    fields: dict[str, FieldSource] = Field(default_factory=dict)


class BlobSource(_Strict):
    """A file that becomes a blob: the export itself, a sibling pattern, a column, the parser's
    attachments, or the rendered chromatogram."""

    from_: Literal["export", "pattern", "column", "parser_attachments", "render"] = Field(alias="from")
    pattern: str | None = None
    column: str | None = None
    type: Literal["RAW_FILE", "VISUALIZATION"] = "RAW_FILE"
    mime_type: str | None = None
    required: bool = True

    @model_validator(mode="after")
    def _needs(self) -> BlobSource:
        if self.from_ == "pattern" and not self.pattern:
            raise ValueError("'from: pattern' needs 'pattern', e.g. '{stem}.png'")
        if self.from_ == "column" and not self.column:
            raise ValueError("'from: column' needs 'column', the results column naming the file")
        return self


class ParserMapping(_Strict):
    parser: str
    #: A glob on the watched folder's path; a mapping with a matching folder wins over one without.
    folder: str | None = None
    #: Overrides of the top-level reading hints for this mapping's files (see ``SchemaMap``).
    date_order: DateOrderHint | None = None
    decimal: DecimalHint | None = None
    formula_text: FormulaTextPolicy | None = None
    encoding: str | None = None
    #: For parsers that read several techniques (``asm``): the files of this technique only. A mapping
    #: naming the file's technique wins over one without; it also fixes the columns the mapping is
    #: checked against (``ingest.contract.CONTRACTS``).
    technique: str | None = None
    project: str | None = None
    registry: str | None = None
    run: RunSection
    results: ResultSection | None = None
    blobs: dict[str, BlobSource] = Field(default_factory=dict)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        return text_encoding(value)

    @field_validator("technique")
    @classmethod
    def _known_technique(cls, value: str | None) -> str | None:
        if value is not None and value not in CONTRACTS:
            raise ValueError(f"unknown technique {value!r}; expected one of {sorted(CONTRACTS)}")
        return value


class Defaults(_Strict):
    project: str | None = None
    registry: str | None = None


class TenantSettings(_Strict):
    """What the tenant does where Benchling's documentation is silent (see the README's assumptions)."""

    #: ``kept``: the tenant keeps the run and result ids we send (exactly-once looks runs up by id);
    #: ``server_assigned``: it assigns its own, and runs are found by their file hash field instead.
    ids: Literal["kept", "server_assigned"] = "kept"
    #: How datetime field values are written: RFC 3339 (``2022-03-18T17:14:35+01:00``) or Benchling's
    #: display form (``2022-03-18 05:14:35 PM``, in the mapping's timezone).
    datetime_format: DatetimeFormat = "rfc3339"


class SchemaMap(_Strict):
    version: Literal[1]
    #: IANA zone for instrument times written without an offset.
    timezone: str = "UTC"
    tenant: TenantSettings = Field(default_factory=TenantSettings)
    defaults: Defaults = Field(default_factory=Defaults)
    #: How parsers read what a file cannot show by itself: ``01/02/2023`` (day_first|month_first) and
    #: ``1,052`` (comma|point) when nothing in the file decides; formula-like text
    #: (neutralise|refuse|keep); the code page of text exports without a BOM (``encoding: cp932``, a
    #: Python codec name). A mapping may override each.
    date_order: DateOrderHint | None = None
    decimal: DecimalHint | None = None
    formula_text: FormulaTextPolicy = "neutralise"
    encoding: str | None = None
    mappings: tuple[ParserMapping, ...]

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        return text_encoding(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin', 'UTC')") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def parsers(self) -> list[str]:
        return sorted({m.parser for m in self.mappings})

    def for_parser(
        self, parser: str, folder: Path | None = None, technique: str | None = None
    ) -> ParserMapping | None:
        """The most specific mapping for a parser's file: one whose folder glob matches wins over one
        without a folder, then one naming the file's ``technique`` over one naming none; a mapping naming
        another technique never applies (when ``technique`` is None, the technique key is not looked at).
        Among equals, the first in the file."""
        best: ParserMapping | None = None
        best_score = -1
        for mapping in self.mappings:
            if mapping.parser != parser:
                continue
            if mapping.folder is not None and (folder is None or not _folder_matches(mapping.folder, folder)):
                continue
            if technique is not None and mapping.technique not in (None, technique):
                continue
            score = (2 if mapping.folder is not None else 0) + (
                1 if technique is not None and mapping.technique == technique else 0
            )
            if score > best_score:
                best, best_score = mapping, score
        return best

    def parse_hints(self, parser: str, folder: Path | None = None) -> ParseHints:
        """The reading hints for ``parser``'s files in ``folder``: the mapping's own, else the top level."""
        mapping = self.for_parser(parser, folder)
        return ParseHints(
            date_order=(mapping.date_order if mapping and mapping.date_order else self.date_order),
            decimal=(mapping.decimal if mapping and mapping.decimal else self.decimal),
            formula_text=(mapping.formula_text if mapping and mapping.formula_text else self.formula_text),
            encoding=(mapping.encoding if mapping and mapping.encoding else self.encoding),
        )

    def project_for(self, mapping: ParserMapping) -> str | None:
        return mapping.project or self.defaults.project

    def registry_for(self, mapping: ParserMapping) -> str | None:
        return mapping.registry or self.defaults.registry


def _folder_matches(pattern: str, folder: Path) -> bool:
    posix = PurePath(folder).as_posix()
    return fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(folder.name, pattern)


def load_schema_map(
    path: Path,
    *,
    known_parsers: Iterable[str] | None = None,
    parser_techniques: Mapping[str, Sequence[str]] | None = None,
) -> SchemaMap:
    """Read and validate the map; a ConfigError names the file, the line and what was expected.

    ``known_parsers``: the parser names a mapping may use. ``parser_techniques``: each parser's declared
    techniques, which a mapping's ``technique`` must be one of.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Mapping file '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return parse_schema_map(text, path, known_parsers=known_parsers, parser_techniques=parser_techniques)


def parse_schema_map(
    text: str,
    path: Path,
    *,
    known_parsers: Iterable[str] | None = None,
    parser_techniques: Mapping[str, Sequence[str]] | None = None,
) -> SchemaMap:
    """:func:`load_schema_map` for the text already read from ``path`` (named in the errors)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"Mapping file '{path}' line {line} is not valid YAML: {exc}.", file=path, line=line
        ) from exc
    if node is None:
        raise ConfigError(
            f"Mapping file '{path}' is empty. Expected 'version: 1' and 'mappings:'.", file=path
        )
    lines: dict[tuple[str | int, ...], int] = {}
    data = _to_data(node, (), lines)
    try:
        schema_map = SchemaMap.model_validate(data)
    except ValidationError as exc:
        raise _config_error(path, exc, lines) from None
    if known_parsers is not None:
        known = set(known_parsers)
        for index, mapping in enumerate(schema_map.mappings):
            if mapping.parser not in known:
                line = lines.get(("mappings", index, "parser"))
                raise ConfigError(
                    f"Mapping file '{path}' line {line}: unknown parser {mapping.parser!r}. "
                    f"Expected one of {sorted(known)}.",
                    file=path,
                    line=line,
                )
    for index, mapping in enumerate(schema_map.mappings):
        declared = (parser_techniques or {}).get(mapping.parser)
        if mapping.technique is not None and declared is not None and mapping.technique not in declared:
            line = lines.get(("mappings", index, "technique"))
            raise ConfigError(
                f"Mapping file '{path}' line {line}: parser '{mapping.parser}' does not read "
                f"{mapping.technique!r} files. Expected one of its techniques {sorted(declared)}.",
                file=path,
                line=line,
            )
    return schema_map


def _to_data(node: yaml.Node, at: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> Any:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            lines[(*at, key)] = key_node.start_mark.line + 1
            out[key] = _to_data(value_node, (*at, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, (*at, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def _config_error(path: Path, exc: ValidationError, lines: dict[tuple[str | int, ...], int]) -> ConfigError:
    problems = []
    first_line: int | None = None
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic reports aliases ('schema', 'from'); the line table uses YAML keys, which are the same.
        line = None
        for cut in range(len(loc), -1, -1):
            line = lines.get(tuple(loc[:cut]))
            if line is not None:
                break
        first_line = first_line or line
        where = ".".join(str(p) for p in loc) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(f"line {line}: {where}: {message}")
    return ConfigError(
        f"Mapping file '{path}' is invalid: " + "; ".join(problems) + ".",
        file=path,
        line=first_line,
        problems=problems,
    )
