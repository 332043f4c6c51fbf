"""``page_token_expiry``: a listing's ``nextToken`` refused as expired the first time it is presented.

Benchling does not document how long a ``nextToken`` lives. Refusing each token once (the sandbox's
tokens are the same for the same page of the same listing, so a listing started again gets past it) is
the harshest lifetime a client can still finish a listing under: every page after the first needs a
restart from the first page.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qs

from ingest.sandbox.envelopes import ApiError, bad_request, error_body
from ingest.sandbox.variants import PageTokenExpiry

_MESSAGE = "Invalid or expired nextToken."


class PageTokenExpirer:
    """Remembers the tokens presented so far; thread-safe."""

    def __init__(self, expiry: PageTokenExpiry) -> None:
        self._expiry = expiry
        self._presented: set[str] = set()
        self._lock = threading.Lock()

    def check(self, method: str, query_string: bytes) -> None:
        """Raise the variant's refusal when a GET presents a ``nextToken`` for the first time."""
        if self._expiry == "never" or method != "GET":
            return
        tokens = parse_qs(query_string.decode("latin-1")).get("nextToken") or []
        token = tokens[-1] if tokens else ""
        if not token:
            return
        with self._lock:
            if token in self._presented:
                return
            self._presented.add(token)
        if self._expiry == "first_use_404":
            raise ApiError(404, error_body(_MESSAGE))
        raise bad_request(_MESSAGE)
