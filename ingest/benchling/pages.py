"""Benchling list pagination: ``nextToken`` until an empty token, ``pageSize`` at the maximum of 100.

Benchling does not document how long a ``nextToken`` stays valid. A token it refuses (a 400 such as
"Invalid or expired nextToken", or a 404/410) restarts the listing from the first page; items already
yielded (by ``id``) are not yielded again. Restarts are bounded: at most ``MAX_LISTING_RESTARTS``, and a
restart that got no further than the one before ends the listing with the refusal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from ingest.benchling.transport import ApiTransport
from ingest.errors import BenchlingAuthError, BenchlingRejectedError

log = logging.getLogger("ingest.benchling")

MAX_PAGE_SIZE = 100
#: How many times one listing is started again after Benchling refused its ``nextToken``.
MAX_LISTING_RESTARTS = 10
#: The answers a refused (expired, unknown) ``nextToken`` can plausibly draw.
_TOKEN_REFUSED = (400, 404, 410)


def iterate_pages(
    transport: ApiTransport, template: str, key: str, params: Mapping[str, str | int] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every item under ``key`` of every page of ``GET template``, each once."""
    first: dict[str, str | int] = {"pageSize": MAX_PAGE_SIZE, **(params or {})}
    yielded: set[str] = set()
    restarts = 0
    refused_after = -1
    while True:
        query = dict(first)
        try:
            for item in _pages(transport, template, key, query):
                identity = _identity(item)
                if identity not in yielded:
                    yielded.add(identity)
                    yield item
            return
        except BenchlingRejectedError as exc:
            if not _token_refused(exc, query):
                raise
            restarts += 1
            if restarts > MAX_LISTING_RESTARTS or len(yielded) <= refused_after:
                raise
            refused_after = len(yielded)
            log.info(
                "GET %s refused its nextToken after %d item(s) (%s); listing again from the first page.",
                template,
                len(yielded),
                exc.message,
            )


def _pages(
    transport: ApiTransport, template: str, key: str, query: dict[str, str | int]
) -> Iterator[dict[str, Any]]:
    while True:
        body = transport.request("GET", template, params=query).json()
        yield from body.get(key) or []
        token = body.get("nextToken")
        if not token:
            return
        query["nextToken"] = token


def _token_refused(exc: BenchlingRejectedError, query: Mapping[str, str | int]) -> bool:
    """Whether a refusal answered a request that carried a ``nextToken`` (the first page has none)."""
    return (
        bool(query.get("nextToken"))
        and not isinstance(exc, BenchlingAuthError)
        and exc.status in _TOKEN_REFUSED
    )


def _identity(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return str(item["id"])
    return json.dumps(item, sort_keys=True, default=str)


def chunked(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
