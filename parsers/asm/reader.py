"""ASM JSON files: bytes -> a read document; sniffing by ``$asm.manifest``.

Decoding (BOMs, UTF-16), duplicate keys and ``NaN`` are handled by :mod:`parsers._common.json_document`.
"""

from __future__ import annotations

from pathlib import Path

from parsers._asm.document import AsmDocument, document_from_object
from parsers._common.json_document import (
    json_head_text,
    load_json_object,
    names_asm_manifest,
    starts_json_object,
)
from parsers.asm import constants as c


def looks_like_asm(head: bytes) -> bool:
    """Whether the head opens a JSON object that names an ASM manifest."""
    text = json_head_text(head)
    return starts_json_object(text) and names_asm_manifest(text)


def read_document(path: Path) -> AsmDocument:
    """Read an ASM file; ParseError when it is not JSON, names no manifest or holds no aggregate."""
    document, encoding = load_json_object(path, source=c.SOURCE)
    return document_from_object(document, path, encoding)
