"""Chromeleon connector JSON: bytes -> its top-level object (checked to hold ``injections``); sniffing.

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
from parsers.benchling_connector_chromeleon_json import constants as c


def looks_like_chromeleon_connector(head: bytes) -> bool:
    """Whether the head opens a JSON object with Chromeleon connector keys (not Empower's, no ASM)."""
    text = json_head_text(head)
    if not starts_json_object(text) or names_asm_manifest(text):
        return False
    if has_json_keys(text, c.EMPOWER_KEYS, at_least=2):
        return False
    return has_json_keys(text, c.SNIFF_KEYS, at_least=2)


def read_document(path: Path) -> tuple[Fields, str]:
    """The export's top-level object and the encoding it was read with; ParseError without ``injections``."""
    document, encoding = load_json_object(path, source=c.SOURCE)
    root = root_fields(document, file=path)
    if not isinstance(root.array("injections"), list):
        raise ParseError(
            f"'{path}' has no 'injections' array at its top level. "
            "Expected a Chromeleon connector export with an 'injections' list.",
            file=path,
            column="injections",
        )
    return root, encoding
