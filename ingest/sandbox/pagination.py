"""Page slicing with opaque ``nextToken`` values, as Benchling and the official SDK expect them.

The first page is requested without ``nextToken`` or with ``nextToken=`` (empty); the last page answers
``"nextToken": ""`` (never ``null`` or absent: the SDK loops or fails on those).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ingest.sandbox.envelopes import bad_request

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str


def page_size(query: Mapping[str, str], max_page_size: int) -> int:
    raw = query.get("pageSize")
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise bad_request(
            f"Query parameter pageSize '{raw}' is not an integer; expected 0..{max_page_size}."
        ) from None
    if not 0 <= size <= max_page_size:
        raise bad_request(f"Query parameter pageSize {size} is out of range; expected 0..{max_page_size}.")
    return size


def paginate(items: Sequence[T], query: Mapping[str, str], *, scope: str, max_page_size: int) -> Page[T]:
    """Slice ``items`` per ``pageSize``/``nextToken``; ``scope`` ties a token to the listing that made it."""
    size = page_size(query, max_page_size)
    start = _decode_token(query.get("nextToken") or "", scope)
    end = start + size
    next_token = _encode_token(end, scope) if end < len(items) and size > 0 else ""
    return Page(list(items[start:end]), next_token)


def _encode_token(offset: int, scope: str) -> str:
    raw = json.dumps({"o": offset, "s": scope}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, scope: str) -> int:
    if token == "":
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, token_scope = decoded["o"], decoded["s"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request(
            f"Query parameter nextToken '{token}' is not a token this listing issued."
        ) from None
    if token_scope != scope or not isinstance(offset, int) or offset < 0:
        raise bad_request(f"Query parameter nextToken '{token}' belongs to a different listing or filter.")
    return offset
