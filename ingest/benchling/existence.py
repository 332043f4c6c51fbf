"""Which of a list of ids Benchling holds, via a bulk-get with a per-id fallback.

Benchling does not document how a bulk-get answers when some ids do not exist (a partial list, a 404,
or a ListingError with ``invalidIds``), so every form is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ingest.errors import BenchlingNotFoundError, BenchlingRejectedError


def existing_ids(
    ids: list[str],
    *,
    bulk_get: Callable[[list[str]], Iterable[str]],
    get_one: Callable[[str], object],
) -> set[str]:
    """The subset of ``ids`` that exists. ``bulk_get`` returns the ids it found; ``get_one`` raises
    ``BenchlingNotFoundError`` (or a 400 rejection, as Benchling answers for some unknown ids)."""
    if not ids:
        return set()
    wanted = set(ids)
    try:
        return wanted & set(bulk_get(ids))
    except BenchlingRejectedError as exc:
        invalid = exc.context.get("invalidIds")
        if isinstance(invalid, list) and invalid:
            rest = [i for i in ids if i not in set(invalid)]
            return existing_ids(rest, bulk_get=bulk_get, get_one=get_one) if rest else set()
        if exc.status not in (400, 404):
            raise
    found: set[str] = set()
    for item in ids:
        try:
            get_one(item)
        except BenchlingNotFoundError:
            continue
        except BenchlingRejectedError as exc:
            if exc.status != 400:
                raise
            continue
        found.add(item)
    return found
