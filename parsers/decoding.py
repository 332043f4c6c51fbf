"""The import path of the text-reading helpers before the ``_common`` layout, kept for existing plugins.

Plugins written against earlier releases import ``read_text`` and ``parse_number`` from here; new code
imports them from ``parsers`` (see ``docs/writing-a-parser.md``).
"""

from __future__ import annotations

from parsers._common.decoding import DecodedText, decode_bytes, decode_head, detect_encoding, read_text
from parsers._common.numbers import parse_number

__all__ = ["DecodedText", "decode_bytes", "decode_head", "detect_encoding", "parse_number", "read_text"]
