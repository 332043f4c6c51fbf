"""Frozen types passed between the pipeline's stages.

Parsers produce a :class:`ParsedFile`; the watcher produces :class:`SourceFile`; the resolver turns a
parsed file into a :class:`RunPlan`; the uploader returns a :class:`Receipt`. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

#: A metadata value: what a run field can be filled from.
Scalar = str | int | float | bool | dt.date | dt.datetime | None


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
    """One chromatogram signal: ``data`` has float columns ``time_min`` and ``signal``."""

    channel: str
    data: pd.DataFrame
    signal_unit: str | None = None


@dataclass(frozen=True, eq=False)
class ParsedFile:
    """What a parser returns for one export.

    ``metadata``: run-level scalars under normalized keys (see ``ingest.contract.METADATA_KEYS``).
    ``results``: one row per result (peak), normalized columns, pyarrow-backed dtypes; may be empty
    for trace-only exports. ``traces``: chromatogram signals found in the export. ``attachments``:
    files that belong to the export (raw chromatograms) and should be uploaded beside it.
    """

    metadata: Mapping[str, Scalar]
    results: pd.DataFrame
    provenance: Provenance
    traces: tuple[Trace, ...] = ()
    attachments: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()


BlobType = Literal["RAW_FILE", "VISUALIZATION"]


@dataclass(frozen=True)
class BlobUpload:
    """A file to upload as a blob. ``key`` names it inside a RunPlan (``{"$blob": key}`` markers)."""

    key: str
    name: str
    blob_type: BlobType
    mime_type: str
    path: Path | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class RunPlan:
    """The exact requests one file becomes, with their client-generated ids.

    ``run`` is an AssayRunCreate body; ``results`` are AssayResultCreate bodies. Wherever a blob id
    belongs, the body holds ``{"$blob": key}`` until the blob is uploaded and its id is known.
    """

    source: Path
    sha256: str
    parser: str
    run: Mapping[str, Any]
    results: tuple[Mapping[str, Any], ...]
    blobs: tuple[BlobUpload, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Receipt:
    """Everything one file created in Benchling, and what it cost."""

    source: Path
    sha256: str
    run_id: str
    result_ids: tuple[str, ...]
    blob_ids: Mapping[str, str] = field(default_factory=dict)
    requests: int = 0
    created: bool = True
