"""Empower connector JSON: bytes -> its top-level object and its ``values`` object; sniffing.

Decoding, duplicate keys and ``NaN`` are handled by :mod:`parsers._common.json_document`; the objects
are read through :class:`parsers._common.json_fields.Fields`.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ParseError
from parsers._common.json_document import (
    has_json_keys,
    json_head_text,
    load_json_object,
    names_asm_manifest,
    starts_json_object,
)
from parsers._common.json_fields import Fields, root_fields
from parsers.benchling_connector_empower_json import constants as c


def looks_like_empower_connector(head: bytes) -> bool:
    """Whether the head opens a JSON object with Empower connector field names (and is no ASM document)."""
    text = json_head_text(head)
    if not starts_json_object(text) or names_asm_manifest(text):
        return False
    return has_json_keys(text, c.SNIFF_KEYS, at_least=2)


def read_document(path: Path) -> tuple[Fields, Fields, str]:
    """The top-level object, its ``values`` object and the encoding; ParseError without ``values``."""
    document, encoding = load_json_object(path, source=c.SOURCE)
    root = root_fields(document, file=path)
    values = root.child("values")
    if values is None:
        raise ParseError(
            f"'{path}' has no 'values' object at its top level. "
            "Expected an Empower connector export with 'values' holding fields, injections, channels "
            "and results.",
            file=path,
            column="values",
        )
    return root, values, encoding
