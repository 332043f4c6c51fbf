"""``init``: a starter ``schemas_map.yaml`` for the parsers installed here.

The file is the packaged commented header (``ingest/data/starter_schemas_map.yaml``, which loads as a
valid mapping file with no mappings) followed by one commented mapping per parser: its run fields from
the normalized metadata keys, its result fields from its technique's column contract (with each
column's kind and unit), and the export kept as a blob. Nothing is written over an existing file
unless asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.contract import METADATA_KEYS, ResultColumn, contract_for
from ingest.errors import ConfigError
from ingest.operations.packaged_data import starter_map_header

FILE_NAME = "schemas_map.yaml"
#: The run fields every starter mapping offers (metadata keys most exports give, then provenance).
_RUN_METADATA = ("instrument", "method", "injection_time", "operator")


@dataclass(frozen=True)
class InstalledParser:
    """What ``init`` needs to know of a parser: name, extensions, techniques, and where it comes from."""

    name: str
    extensions: tuple[str, ...]
    techniques: tuple[str, ...]
    origin: str


def starter_map_text(parsers: Sequence[InstalledParser]) -> str:
    """The starter file's text: the packaged header, then one commented mapping per parser."""
    header = starter_map_header().read_text(encoding="utf-8")
    blocks = [_commented_mapping(parser) for parser in sorted(parsers, key=lambda p: p.name)]
    return header.rstrip("\n") + "\n\n" + "\n\n".join(blocks) + "\n"


def write_starter_map(folder: Path, parsers: Sequence[InstalledParser], *, force: bool = False) -> Path:
    """Write ``folder/schemas_map.yaml``; ConfigError when it exists and ``force`` is not given."""
    target = folder / FILE_NAME
    if target.exists() and not force:
        raise ConfigError(
            f"'{target}' exists already; it was left as it is. Pass --force to replace it, or choose "
            "another folder.",
            file=target,
        )
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_map_text(parsers), encoding="utf-8")
    return target


def _commented_mapping(parser: InstalledParser) -> str:
    technique = parser.techniques[0] if parser.techniques else "liquid_chromatography"
    contract = contract_for(technique)
    about = f"{parser.name}: {' '.join(parser.extensions) or 'any extension'} files ({parser.origin})"
    lines = [f"# {about}"]
    if len(parser.techniques) > 1:
        others = ", ".join(parser.techniques[1:])
        lines.append(f"# Its files can also be {others}: copy the mapping with that `technique:` for each.")
    lines += [f"  - parser: {parser.name}"]
    if len(parser.techniques) > 1:
        lines.append(f"    technique: {technique}")
    lines += [
        "    run:",
        "      schema: <run schema name or id>",
        "      fields:",
        *(f"        {key}: {{metadata: {key}}}" for key in _RUN_METADATA),
        "        source_file: {blob: export}",
        "        file_sha256: {provenance: sha256}",
        '        parser: {template: "{parser} {parser_version}"}',
        "    results:",
        "      schema: <result schema name or id>",
        "      run_link: <the result field linking to the run>",
        "      sample: {field: <the result field holding the sample>, column: sample_id, unknown: fail}",
        "      fields:",
    ]
    columns = contract.columns if contract is not None else ()
    lines += [_result_field(column) for column in columns if column.name != "sample_id"]
    lines += ["    blobs:", "      export: {from: export, type: RAW_FILE}"]
    other_keys = ", ".join(k for k in METADATA_KEYS if k not in _RUN_METADATA)
    lines.append(f"    # Other metadata keys a file may give: {other_keys}.")
    return "\n".join(_comment(line) for line in lines)


def _result_field(column: ResultColumn) -> str:
    unit = f", in {column.unit}" if column.unit else ""
    per_row = f", unit in '{column.unit_column}'" if column.unit_column else ""
    return f"        {column.name}: {{column: {column.name}}}  # {column.kind}{unit}{per_row}"


def _comment(line: str) -> str:
    """Commented so that removing the first ``# `` of each line gives the mapping (notes stay comments)."""
    return f"# {line}"
