"""An ASM document as JSON data -> its aggregate object and its technique.

An ASM document is one JSON object holding ``$asm.manifest`` (the manifest URL, or in older documents an
object naming it) and one ``<technique> aggregate document``, which holds ``<technique> document`` items,
each with a ``measurement aggregate document``. The technique is read from the manifest URL and, when
the manifest is unknown, from the aggregate document's name; anything else is read generically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.contract import LIQUID_CHROMATOGRAPHY, OTHER, QPCR
from ingest.errors import ParseError
from parsers._asm import vocabulary as c
from parsers._asm.node import AsmNode

_AGGREGATE_SUFFIX = " aggregate document"


@dataclass(frozen=True)
class AsmDocument:
    """A read document: its technique, the manifest it names and its aggregate document."""

    file: Path
    #: The file's text encoding; None for a document that did not come from a file (a conversion).
    encoding: str | None
    manifest: str
    technique: str
    #: The aggregate document's subject, e.g. ``"plate reader"`` (its items are ``"plate reader document"``).
    subject: str
    aggregate: AsmNode

    def technique_documents(self) -> list[AsmNode]:
        return self.aggregate.children(f"{self.subject} document")


def document_from_object(document: Mapping[str, Any], path: Path, encoding: str | None) -> AsmDocument:
    """An ASM document already decoded from JSON (``path`` names the file it stands for)."""
    manifest = _manifest_url(document, path)
    keys = [k for k, v in document.items() if k.endswith(_AGGREGATE_SUFFIX) and isinstance(v, Mapping)]
    if len(keys) != 1:
        raise ParseError(
            f"'{path}' holds {len(keys)} '<technique> aggregate document' objects at its top level "
            f"({keys}). Expected exactly one in an ASM document.",
            file=path,
        )
    key = keys[0]
    subject = key.removesuffix(_AGGREGATE_SUFFIX)
    aggregate = AsmNode(document[key], file=path, where=key)
    return AsmDocument(
        file=path,
        encoding=encoding,
        manifest=manifest,
        technique=technique_of(manifest, subject),
        subject=subject,
        aggregate=aggregate,
    )


def technique_of(manifest: str, subject: str) -> str:
    """The technique a manifest URL (or, failing that, the aggregate document's subject) names."""
    match = re.search(r"/manifests/([^/]+)/(?:.*/)?([^/]+?)\.manifest", manifest)
    if match is not None:
        folder, name = match.group(1).lower(), match.group(2).lower()
        if folder == "pcr":
            return QPCR if name in c.QPCR_MANIFEST_NAMES else OTHER
        if folder in c.TECHNIQUE_BY_FOLDER:
            return c.TECHNIQUE_BY_FOLDER[folder]
    by_subject = subject.lower().replace(" ", "-")
    if by_subject == "qpcr":
        return QPCR
    return c.TECHNIQUE_BY_FOLDER.get(by_subject, OTHER if by_subject != "lc" else LIQUID_CHROMATOGRAPHY)


def _manifest_url(document: Mapping[str, Any], path: Path) -> str:
    raw = document.get(c.MANIFEST_KEY)
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    if isinstance(raw, Mapping):
        # Older documents give the manifest as an object; its id (or a schema URL in it) names it.
        for value in (raw.get("$id"), raw.get("@id"), *raw.values()):
            if isinstance(value, str) and "manifest" in value:
                return value
    raise ParseError(
        f"'{path}' has {c.MANIFEST_KEY!r} = {raw!r}. Expected the URL of an ASM manifest such as "
        "'http://purl.allotrope.org/manifests/plate-reader/REC/2025/03/plate-reader.manifest'.",
        file=path,
        column=c.MANIFEST_KEY,
    )
