"""Frozen types passed between the pipeline's stages.

Parsers produce a :class:`ParsedFile`; the watcher produces :class:`SourceFile`; the resolver turns a
parsed file into a :class:`RunPlan`, which the ledger stores and the load stage carries out. Nothing
here does I/O.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import pandas as pd

#: A metadata value: what a run field can be filled from.
Scalar = str | int | float | bool | dt.date | dt.datetime | None


#: How a parser reads what a file cannot tell by itself (see :class:`ParseHints`).
DateOrderHint = Literal["day_first", "month_first"]
DecimalHint = Literal["comma", "point"]
FormulaTextPolicy = Literal["neutralise", "refuse", "keep"]


def text_encoding(value: str | None) -> str | None:
    """``value`` when it names a codec that decodes bytes to text (``cp932``, ``Shift_JIS``, ``latin-1``),
    else a ValueError saying what was expected; None stays None."""
    if value is None:
        return None
    expected = (
        "expected a text encoding (Python codec name) such as cp932, cp936, cp1251, cp1252, latin-1 or utf-8"
    )
    try:
        codecs.lookup(value)
        "".encode(value)  # bytes-to-bytes codecs (base64, zlib) are found but are no text encodings
    except LookupError:
        raise ValueError(f"unknown encoding {value!r}; {expected}") from None
    return value


@dataclass(frozen=True)
class ParseHints:
    """A site's reading of what its exports cannot show themselves (``schemas_map.yaml``).

    ``date_order`` decides ``01/02/2023`` and ``decimal`` decides ``1,052`` only when nothing in the file
    does; ``formula_text`` says what happens to text that a spreadsheet would run as a formula
    (``=cmd|...``): prefixed with ``'`` (neutralise), refused, or kept as it is. ``encoding`` is the code
    page the site's text exports are written in (a Python codec name such as ``cp932``), used when a file
    has no BOM; without it a file that is not UTF-8 is read in a guessed code page, with a warning.
    """

    date_order: DateOrderHint | None = None
    decimal: DecimalHint | None = None
    formula_text: FormulaTextPolicy = "neutralise"
    encoding: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """A file (or multi-file unit) that has stopped changing and been hashed.

    ``path`` is what a parser is given: a file, or the folder/primary file of a unit. ``members`` are
    every file that makes up the unit (the file itself for single files); ``sha256`` covers all of
    them in sorted order, so the same content under another name hashes the same.
    """

    path: Path
    sha256: str
    size: int
    mtime_ns: int
    members: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where a ParsedFile came from: parser identity, the file's encoding and hash."""

    parser: str
    parser_version: str
    source: Path
    encoding: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, eq=False)
class Trace:
    """One chromatogram signal: ``data`` has float columns ``time_min`` and ``signal``.

    ``x_unit`` is the unit of the first column: ``"min"`` (time, as its name says) for every
    chromatography detector; a volume (``"ml"``) or column volumes (``"CV"``) for curves a
    chromatography system records against the volume pumped (ÄKTA/UNICORN), which cannot be turned
    into times without the flow.
    """

    channel: str
    data: pd.DataFrame
    signal_unit: str | None = None
    x_unit: str = "min"


@dataclass(frozen=True, eq=False)
class ParsedFile:
    """What a parser returns for one export.

    ``metadata``: run-level scalars under normalized keys (see ``ingest.contract.METADATA_KEYS``).
    ``results``: one row per result (peak, well, sample...), starting with the columns of the contract
    of ``technique`` (``ingest.contract.CONTRACTS``), pyarrow-backed dtypes; may be empty for trace-only
    exports. ``column_units``: the unit of an extra numeric column when one unit holds for all its rows
    in this file (contract columns carry their units in the contract). ``traces``: signals over time
    found in the export. ``attachments``: files that belong to the export (raw chromatograms) and
    should be uploaded beside it.
    """

    metadata: Mapping[str, Scalar]
    results: pd.DataFrame
    provenance: Provenance
    traces: tuple[Trace, ...] = ()
    attachments: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    technique: str = "liquid_chromatography"
    column_units: Mapping[str, str] = field(default_factory=dict)


BlobType = Literal["RAW_FILE", "VISUALIZATION"]


class PendingBytes(Protocol):
    """Bytes still being made elsewhere (a chromatogram drawn in a render process)."""

    def result(self, timeout: float | None = None) -> bytes:
        """The bytes, once made; raises what making them raised."""
        ...

    def cancel(self) -> bool: ...

    def done(self) -> bool: ...


@dataclass(frozen=True)
class BlobUpload:
    """A file to upload as a blob; ``key`` names it inside a RunPlan (see :class:`BlobRef`).

    ``content`` holds bytes made in memory (a rendered chromatogram), or still being made, until they are
    written to ``path``: a plan is stored with paths only.
    """

    key: str
    name: str
    blob_type: BlobType
    mime_type: str
    path: Path | None = None
    content: bytes | PendingBytes | None = None


@dataclass(frozen=True)
class BlobRef:
    """Where an uploaded blob's id goes in a planned body: the id is known only after the upload."""

    key: str


def fill_blob_ids(value: Any, blob_ids: Mapping[str, str]) -> Any:
    """``value`` with every :class:`BlobRef` (also inside lists and dicts) replaced by its blob's id.

    Raises KeyError naming the blob when it has not been uploaded yet.
    """
    if isinstance(value, BlobRef):
        if value.key not in blob_ids:
            raise KeyError(f"blob '{value.key}' has not been uploaded")
        return blob_ids[value.key]
    if isinstance(value, Mapping):
        return {k: fill_blob_ids(v, blob_ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fill_blob_ids(v, blob_ids) for v in value]
    return value


def blob_keys_in(value: Any) -> set[str]:
    """The keys of every :class:`BlobRef` inside ``value``."""
    if isinstance(value, BlobRef):
        return {value.key}
    if isinstance(value, Mapping):
        return set().union(*(blob_keys_in(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(blob_keys_in(v) for v in value))
    return set()


@dataclass(frozen=True)
class PlannedObject:
    """An assay run or result to create: its client-generated ``id``, schema, field values and project.

    Field values are what the API takes (coerced text, numbers, option ids, entity ids, lists), except
    that a blob field holds a :class:`BlobRef` (or a list of them) until the blob is uploaded.
    """

    id: str
    schema_id: str
    fields: Mapping[str, Any]
    project_id: str | None = None

    def body(self, blob_ids: Mapping[str, str]) -> dict[str, Any]:
        """The create request body (AssayRunCreate / AssayResultCreate) with blob ids filled in."""
        body: dict[str, Any] = {
            "id": self.id,
            "schemaId": self.schema_id,
            "fields": fill_blob_ids(self.fields, blob_ids),
        }
        if self.project_id:
            body["projectId"] = self.project_id
        return body


@dataclass(frozen=True)
class ContentPin:
    """A file (or folder unit) a plan was made from, and its sha256 when the plan was made: hashed again
    before the run is created and before the file is archived, so nothing is sent or archived in a
    form other than the one that was read."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class ResolvedLink:
    """A link field value given as a barcode, name or display id, and the item it was resolved to."""

    field: str
    given: str
    id: str
    label: str


@dataclass(frozen=True)
class RunPlan:
    """The exact requests one file becomes, with their ids (derived from the content).

    ``run`` becomes one assay run and ``results`` its results; ``blobs`` are uploaded first, and their
    ids fill the :class:`BlobRef` values of both. ``pins``: the export and the attachment files it was
    planned from, with their hashes (see :class:`ContentPin`).
    """

    source: Path
    sha256: str
    parser: str
    run: PlannedObject
    results: tuple[PlannedObject, ...]
    blobs: tuple[BlobUpload, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped_rows: tuple[int, ...] = ()
    pins: tuple[ContentPin, ...] = ()
    #: How storage_link/entry_link values were resolved, for ``validate`` (not stored in the ledger).
    links: tuple[ResolvedLink, ...] = ()

    @property
    def run_id(self) -> str:
        return self.run.id

    @property
    def result_ids(self) -> list[str]:
        return [r.id for r in self.results]

    def run_body(self, blob_ids: Mapping[str, str]) -> dict[str, Any]:
        return self.run.body(blob_ids)

    def result_bodies(self, blob_ids: Mapping[str, str]) -> list[dict[str, Any]]:
        return [r.body(blob_ids) for r in self.results]

    def used_blob_keys(self) -> set[str]:
        """Keys of the blobs some field refers to."""
        return blob_keys_in([self.run.fields, *(r.fields for r in self.results)])
