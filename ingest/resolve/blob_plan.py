"""Which files one export uploads as blobs: the export itself, files beside it (by pattern or named in a
results column), the parser's attachments, and a chromatogram PNG rendered from its traces.

Attachments never leave the export's folder (``resolve.attachments``). A missing file that is
required is reported as *missing* (it may still be arriving) apart from other problems.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingest.errors import AttachmentError, AttachmentMissingError
from ingest.models import BlobUpload, ParsedFile, PendingBytes, Trace
from ingest.resolve.attachments import check_inside, export_folder, resolve_attachment
from ingest.resolve.mapping_file import BlobSource, ParserMapping

#: Renders traces (with the peaks table, when there are results) and a title into PNG bytes, or starts
#: rendering them elsewhere and returns at once (``ingest.load.render.pool``).
RenderPng = Callable[[Sequence[Trace], pd.DataFrame | None, str], bytes | PendingBytes]


@dataclass
class BlobPlan:
    """``uploads``; the upload keys behind each mapped blob name; per-value keys of column blobs."""

    uploads: list[BlobUpload] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)
    by_value: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def plan_blobs(
    parsed: ParsedFile, source: Path, mapping: ParserMapping, render_png: RenderPng | None
) -> BlobPlan:
    """The blob uploads of one export, and every problem with a required blob."""
    out = BlobPlan()
    uploads, keys, by_value = out.uploads, out.keys, out.by_value
    for name, spec in mapping.blobs.items():
        try:
            planned = _plan_blob(name, spec, parsed, source, render_png)
        except AttachmentMissingError as exc:
            if spec.required:
                out.missing_files.append(str(exc))
            continue
        except AttachmentError as exc:
            if spec.required:
                out.problems.append(str(exc))
            continue
        if spec.from_ == "column":
            by_value[name] = {value: upload.key for value, upload in planned}
        uploads += [u for _, u in planned]
        keys[name] = [u.key for _, u in planned]
        if spec.required and not planned and spec.from_ not in ("render", "parser_attachments", "column"):
            out.problems.append(f"blob '{name}': no file found for '{source}'")
    return out


def _mime(path: Path, spec: BlobSource) -> str:
    if spec.mime_type:
        return spec.mime_type
    if path.is_dir():
        return "application/zip"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _plan_blob(
    name: str, spec: BlobSource, parsed: ParsedFile, source: Path, render_png: RenderPng | None
) -> list[tuple[str, BlobUpload]]:
    if spec.from_ == "export":
        blob_name = source.name + (".zip" if source.is_dir() else "")
        return [("", BlobUpload(name, blob_name, spec.type, _mime(source, spec), path=source))]
    if spec.from_ == "pattern":
        assert spec.pattern is not None
        relative = spec.pattern.format(stem=source.stem, name=source.name, suffix=source.suffix)
        path = resolve_attachment(source, relative, what=f"Blob '{name}' pattern")
        if not path.is_file():
            if spec.required:
                raise AttachmentMissingError(
                    f"Blob '{name}': '{path}' does not exist beside '{source}'.", file=str(source)
                )
            return []
        return [("", BlobUpload(name, path.name, spec.type, _mime(path, spec), path=path))]
    if spec.from_ == "column":
        assert spec.column is not None
        if spec.column not in parsed.results.columns:
            return []
        out: list[tuple[str, BlobUpload]] = []
        values = parsed.results[spec.column].dropna().astype(str).str.strip().unique().tolist()
        for i, value in enumerate(v for v in values if v):
            path = resolve_attachment(source, value, what=f"Column '{spec.column}' value")
            if not path.is_file():
                raise AttachmentMissingError(
                    f"Column '{spec.column}' of '{source}' names '{value}', "
                    f"which does not exist in '{export_folder(source)}'.",
                    file=str(source),
                )
            out.append(
                (value, BlobUpload(f"{name}#{i + 1}", path.name, spec.type, _mime(path, spec), path=path))
            )
        return out
    if spec.from_ == "parser_attachments":
        return [
            (
                "",
                BlobUpload(
                    f"{name}#{i + 1}",
                    p.name,
                    spec.type,
                    _mime(p, spec),
                    path=check_inside(source, p, what="Attachment"),
                ),
            )
            for i, p in enumerate(parsed.attachments)
        ]
    # render
    if not parsed.traces or render_png is None:
        return []
    title = str(parsed.metadata.get("sample_name") or source.stem)
    content = render_png(parsed.traces, parsed.results if len(parsed.results) else None, title)
    return [("", BlobUpload(name, f"{source.stem}.png", "VISUALIZATION", "image/png", content=content))]
