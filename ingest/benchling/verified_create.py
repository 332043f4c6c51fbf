"""Creates that are never sent twice blindly.

Runs and results carry client-generated ids. When a create fails in a way that leaves its outcome
unknown (timeout, dropped connection, 5xx), this loop waits, asks Benchling by id which objects exist,
and sends again only the ones that do not. Benchling does not document what a create with an id that
already exists answers; a 400/409 that mentions a duplicate (or any rejection after an ambiguous
failure) is therefore checked by id too, and counts as success only when every object is found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.stats import StatsRecorder
from ingest.errors import AmbiguousWriteError, BenchlingRejectedError

log = logging.getLogger("ingest.benchling")

_DUPLICATE_WORDS = ("already exist", "duplicate", "not unique", "already in use", "already been used")


def looks_like_duplicate(exc: BenchlingRejectedError) -> bool:
    """Whether a rejection may mean 'an object with this id exists' (only ever confirmed by id)."""
    if exc.status == 409:
        return True
    text = f"{exc.benchling_message or ''} {exc.message}".lower()
    return any(word in text for word in _DUPLICATE_WORDS)


def create_verified(
    ids: Sequence[str],
    *,
    send: Callable[[list[str]], None],
    find_existing: Callable[[list[str]], set[str]],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    stats: StatsRecorder,
) -> None:
    """Make every object in ``ids`` exist exactly once.

    ``send(pending)`` creates the objects with those ids in one request (all or none);
    ``find_existing(ids)`` returns the subset Benchling holds (reads, retried on their own).
    Raises the last ``AmbiguousWriteError`` when ``policy.max_attempts`` sends all stayed ambiguous,
    and a ``BenchlingRejectedError`` that is not explained by the objects already existing.
    """
    pending = list(ids)
    ambiguous = 0
    while True:
        try:
            send(pending)
            return
        except AmbiguousWriteError as exc:
            stats.ambiguous_write()
            ambiguous += 1
            log.warning(
                "Create of %d object(s) is ambiguous; checking by id before resending: %s", len(pending), exc
            )
            if ambiguous >= policy.max_attempts:
                sleep(policy.backoff(ambiguous))
                if not (set(pending) - find_existing(pending)):
                    return
                raise
        except BenchlingRejectedError as exc:
            if not (ambiguous or looks_like_duplicate(exc)):
                raise
            if set(pending) - find_existing(pending):
                raise
            log.info("All %d object(s) already exist; the earlier attempt was stored.", len(pending))
            return
        sleep(policy.backoff(ambiguous))
        found = find_existing(pending)
        pending = [i for i in pending if i not in found]
        if not pending:
            log.info("The ambiguous create was stored; nothing is sent again.")
            return
