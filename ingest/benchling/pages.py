"""Benchling list pagination: ``nextToken`` until an empty token, ``pageSize`` at the maximum of 100."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ingest.benchling.transport import ApiTransport

MAX_PAGE_SIZE = 100


def iterate_pages(
    transport: ApiTransport, template: str, key: str, params: Mapping[str, str | int] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every item under ``key`` of every page of ``GET template``."""
    query: dict[str, str | int] = {"pageSize": MAX_PAGE_SIZE, **(params or {})}
    while True:
        body = transport.request("GET", template, params=query).json()
        yield from body.get(key) or []
        token = body.get("nextToken")
        if not token:
            return
        query["nextToken"] = token


def chunked(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
