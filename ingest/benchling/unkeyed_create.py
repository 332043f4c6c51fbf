"""Creates Benchling gives an id of its own (a blob, a multipart upload, a result transaction).

Such a create carries no id the client chose, so when its answer is lost (a read timeout, a dropped
connection, a 5xx) nothing can be asked by id: the object may exist with an id the client never learns.
These creates are sent again, but knowingly: each lost answer is counted (``possible_orphans``) and
logged with what it may leave behind, and the create is sent at most ``RetryPolicy.max_attempts`` times.
What an orphan costs: an unlinked blob takes storage and is never shown; an empty result transaction
holds nothing and is never committed, so it stores nothing (whether Benchling ever closes it is not
documented).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from ingest.benchling.transport import ApiTransport
from ingest.errors import AmbiguousWriteError

log = logging.getLogger("ingest.benchling")


def send_unkeyed_create(
    transport: ApiTransport, method: str, template: str, *, orphan: str, **request: Any
) -> httpx.Response:
    """Send a create without a client id; resend after a lost answer, counting the possible ``orphan``
    (e.g. "an unlinked blob"). Raises the last ``AmbiguousWriteError`` after ``max_attempts`` sends."""
    policy = transport.policy
    attempt = 0
    while True:
        attempt += 1
        try:
            return transport.request(method, template, write=True, **request)
        except AmbiguousWriteError as exc:
            transport.stats.ambiguous_write()
            transport.stats.possible_orphan()
            if attempt >= policy.max_attempts:
                raise AmbiguousWriteError(
                    f"{method} {template} got no usable answer in {attempt} attempts ({exc.message}); each "
                    f"attempt may have left {orphan} on Benchling.",
                    method=method,
                    path=template,
                    status=exc.status,
                    attempts=attempt,
                ) from exc
            log.warning(
                "%s %s got no usable answer (%s); sending it again, which may leave %s on Benchling.",
                method,
                template,
                exc.message,
                orphan,
            )
            transport.sleep(policy.backoff(attempt))
