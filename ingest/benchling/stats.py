"""Thread-safe request counters, read by benchmarks and the status command."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClientStats:
    """A snapshot of what a client has spent so far.

    ``requests`` counts every HTTP request sent, keyed by method and path template
    (``"GET /assay-runs/{run_id}"``); ``retries`` every re-send after a retryable failure;
    ``rate_limited`` the 429 answers received; ``ambiguous_writes`` creates whose outcome had to be
    checked; ``possible_orphans`` creates without a client id (a blob upload, the start of a multipart
    upload or of a result transaction) whose answer was lost, each of which may have left an orphan
    behind (an unlinked blob, an empty open transaction); ``bytes_sent`` request body
    bytes; ``blob_bytes`` raw file bytes uploaded as blobs.
    ``responses`` counts answers by (endpoint, status code), ``"network"`` for requests that got no
    answer; ``last_answer_at`` is the wall-clock time of the latest answer below 500 (Benchling is up).
    """

    requests: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    rate_limited: int = 0
    ambiguous_writes: int = 0
    possible_orphans: int = 0
    bytes_sent: int = 0
    blob_bytes: int = 0
    responses: dict[tuple[str, str], int] = field(default_factory=dict)
    last_answer_at: float | None = None

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


class StatsRecorder:
    """Mutable counters behind a lock; ``snapshot()`` returns a frozen copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._retries = 0
        self._rate_limited = 0
        self._ambiguous = 0
        self._possible_orphans = 0
        self._bytes_sent = 0
        self._blob_bytes = 0
        self._responses: Counter[tuple[str, str]] = Counter()
        self._last_answer_at: float | None = None
        self._this_thread = threading.local()

    def request(self, endpoint: str, body_bytes: int) -> None:
        with self._lock:
            self._requests[endpoint] += 1
            self._bytes_sent += body_bytes
        self._this_thread.requests = self.requests_in_this_thread() + 1

    def requests_in_this_thread(self) -> int:
        """Requests sent so far by the calling thread (a worker's share, for per-file counts)."""
        count: int = getattr(self._this_thread, "requests", 0)
        return count

    def response(self, endpoint: str, status: int | None) -> None:
        """One answer with ``status`` (None: the request got no answer at all)."""
        with self._lock:
            self._responses[(endpoint, "network" if status is None else str(status))] += 1
            if status is not None and status < 500:
                self._last_answer_at = time.time()

    def retry(self) -> None:
        with self._lock:
            self._retries += 1

    def rate_limited(self) -> None:
        with self._lock:
            self._rate_limited += 1

    def ambiguous_write(self) -> None:
        with self._lock:
            self._ambiguous += 1

    def possible_orphan(self) -> None:
        with self._lock:
            self._possible_orphans += 1

    def blob_bytes(self, count: int) -> None:
        with self._lock:
            self._blob_bytes += count

    def snapshot(self) -> ClientStats:
        with self._lock:
            return ClientStats(
                requests=dict(self._requests),
                retries=self._retries,
                rate_limited=self._rate_limited,
                ambiguous_writes=self._ambiguous,
                possible_orphans=self._possible_orphans,
                bytes_sent=self._bytes_sent,
                blob_bytes=self._blob_bytes,
                responses=dict(self._responses),
                last_answer_at=self._last_answer_at,
            )
