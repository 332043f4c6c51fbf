"""Query pieces shared by the inventory and entry routes: list filters and bulk-get keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from starlette.requests import Request

from ingest.sandbox.envelopes import ApiError, bad_request, error_body
from ingest.sandbox.routes.inputs import comma_list

T = TypeVar("T")

#: ``names.anyOf`` and ``names.anyOf.caseSensitive`` take at most 100 names (spec).
MAX_NAMES = 100


def one_key_list(request: Request, choices: Sequence[str], max_items: int) -> tuple[str, list[str]]:
    """Exactly one of ``choices`` (e.g. ``containerIds``, ``barcodes``): its name and comma list."""
    given = [name for name in choices if request.query_params.get(name, "").strip()]
    if len(given) != 1:
        raise bad_request(
            f"Provide exactly one of the query parameters {list(choices)}; got {given or 'none'}."
        )
    return given[0], comma_list(request, given[0], required=True, max_items=max_items)


def all_or_listed(
    items: Sequence[T], wanted: list[str], key: Callable[[T], str | None], what: str
) -> list[T]:
    """The list filters ``ids``/``barcodes``/``displayIds``: "matches all of the provided values, or returns
    a 400 error that includes a list of which are invalid" (spec; ListingError: top-level invalidIds)."""
    by_key = {key(item): item for item in items}
    missing = [value for value in wanted if value not in by_key]
    if missing:
        raise ApiError(400, {**error_body(f"Invalid {what}: {', '.join(missing)}."), "invalidIds": missing})
    return [by_key[value] for value in wanted]


def matches_names(request: Request, name: str) -> bool:
    """The ``name``, ``names.anyOf`` (case-insensitive) and ``names.anyOf.caseSensitive`` filters."""
    query = request.query_params
    exact = query.get("name")
    if exact and name != exact:
        return False
    any_of = comma_list(request, "names.anyOf", max_items=MAX_NAMES)
    if any_of and name.lower() not in {n.lower() for n in any_of}:
        return False
    case_sensitive = comma_list(request, "names.anyOf.caseSensitive", max_items=MAX_NAMES)
    return not case_sensitive or name in case_sensitive


def filter_scope(request: Request) -> str:
    """The filters of a listing (not its paging), to tie page tokens to the listing that made them."""
    pairs = sorted(
        (k, v) for k, v in request.query_params.multi_items() if k not in ("nextToken", "pageSize")
    )
    return repr(pairs)
