"""Shared pieces of list and bulk-get endpoints: id lookups, unix-time filters, archive changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from starlette.requests import Request

from ingest.sandbox.envelopes import ApiError, bad_request, error_body
from ingest.sandbox.store import Kind, Store
from ingest.sandbox.variants import MissingIds

T = TypeVar("T")

ARCHIVE_REASONS = ("Archived", "Made in error", "Other")


def unix_filter(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(int(raw))
    except ValueError:
        raise bad_request(f"Query parameter {name} '{raw}' is not a unix time in whole seconds.") from None


def records_by_ids(
    store: Store, kind: Kind, ids: list[str], label: str, *, status: int = 400
) -> list[dict[str, Any]]:
    """The records for ``ids`` in request order; an error listing every unknown id when any is missing.

    ``status`` is 404 only where the spec documents 404 for the endpoint; elsewhere unknown ids are 400.
    """
    records = [store.get(kind, i) for i in ids]
    missing = [i for i, r in zip(ids, records, strict=True) if r is None]
    if missing:
        raise ApiError(
            status,
            error_body(f"{label} not found: {', '.join(missing)}.", invalidId=missing[0], invalidIds=missing),
        )
    return [r for r in records if r is not None]


def found_or_refused(
    found: Sequence[T | None], asked: Sequence[str], style: MissingIds, label: str
) -> list[T]:
    """A bulk-get's answer: the found items in request order, or the error ``style`` gives when some of
    ``asked`` (ids, barcodes or display ids; ``found`` holds None for those) do not exist."""
    missing = [key for key, item in zip(asked, found, strict=True) if item is None]
    items = [item for item in found if item is not None]
    if not missing or style == "partial_200":
        return items
    listed = f"{label} not found: {', '.join(missing)}."
    if style == "listing_error_400":
        raise ApiError(400, {**error_body(listed), "invalidIds": missing})
    if style == "invalid_ids_400":
        raise ApiError(400, error_body(listed, invalidId=missing[0], invalidIds=missing))
    if style == "invalid_ids_404":
        raise ApiError(404, error_body(listed, invalidId=missing[0], invalidIds=missing))
    if style == "invalid_id_404":
        raise ApiError(404, error_body(f"{label}: '{missing[0]}' was not found.", invalidId=missing[0]))
    raise ApiError(400, error_body(f"{label}: the request names ids that are not valid."))


def archive_reason(body: dict[str, Any], *, required: bool) -> str:
    reason = body.get("reason")
    if reason is None and not required:
        return "Other"
    if reason not in ARCHIVE_REASONS:
        raise bad_request(f"reason {reason!r} is not valid; expected one of {list(ARCHIVE_REASONS)}.")
    return str(reason)
