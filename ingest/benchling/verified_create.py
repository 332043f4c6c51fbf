"""Creates that are never sent twice blindly, and whose answered ids are checked.

Runs and results carry client-generated ids. When a create fails in a way that leaves its outcome
unknown (timeout, dropped connection, 5xx), this loop waits, asks Benchling by id which objects exist,
and sends again only the ones that do not. Benchling does not document what a create with an id that
already exists answers (a 400, a 409 ConflictError, or a 200 naming the existing object): a 400 or 409 is
therefore checked by id, and counts as success only for the objects found; the others are sent again
alone, or the rejection is raised.

Nothing documents either that Benchling keeps a client-supplied id. The ids each successful send answers
are compared with the ids sent; any difference raises ``ClientIdsNotKeptError`` naming the ids that were
really created.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.benchling.errors import ClientIdsNotKeptError
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


@dataclass(frozen=True)
class CreateTarget:
    """What is created, for messages: ``what`` ("assay runs"), method and path template."""

    what: str
    method: str
    path: str


def check_answered_ids(target: CreateTarget, sent: Sequence[str], answered: Sequence[str]) -> None:
    """Raise ``ClientIdsNotKeptError`` unless Benchling answered exactly the ids sent, in order."""
    if list(answered) != list(sent):
        raise ClientIdsNotKeptError(
            what=target.what,
            method=target.method,
            path=target.path,
            sent_ids=sent,
            assigned_ids=answered,
        )


def create_verified(
    ids: Sequence[str],
    *,
    send: Callable[[list[str]], Sequence[str]],
    find_existing: Callable[[list[str]], set[str]],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    stats: StatsRecorder,
    target: CreateTarget,
) -> None:
    """Make every object in ``ids`` exist exactly once, under the ids sent.

    ``send(pending)`` creates the objects with those ids in one request (all or none) and returns the ids
    Benchling answered; ``find_existing(ids)`` returns the subset Benchling holds (reads, retried on their
    own). Raises the last ``AmbiguousWriteError`` when ``policy.max_attempts`` sends all stayed
    ambiguous, a ``BenchlingRejectedError`` that is not explained by the objects already existing, and
    ``ClientIdsNotKeptError`` when Benchling answered other ids than it was sent.
    """
    pending = list(ids)
    ambiguous = 0
    rejected = 0
    while True:
        try:
            answered = send(pending)
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
            # A 400/409 may mean "already exists" (undocumented); only objects found by id count.
            if exc.status not in (400, 409) and not ambiguous:
                raise
            rejected += 1
            found = find_existing(pending)
            missing = [i for i in pending if i not in found]
            if not missing:
                log.info("All %d object(s) already exist; the earlier attempt was stored.", len(pending))
                return
            if not found or rejected >= policy.max_attempts:
                raise
            log.info("%d of %d object(s) already exist; sending the others alone.", len(found), len(pending))
            pending = missing
            continue
        else:
            check_answered_ids(target, pending, answered)
            return
        sleep(policy.backoff(ambiguous))
        found = find_existing(pending)
        pending = [i for i in pending if i not in found]
        if not pending:
            log.info("The ambiguous create was stored; nothing is sent again.")
            return
