"""Creates for a tenant that assigns its own ids (``ids: server_assigned``): the answered ids are the truth.

Such a tenant ignores the ids the client sends, so an object cannot be asked for by the id it was sent
with. Every create is therefore sent once: an ambiguous failure (timeout, dropped connection, 5xx) is
raised as ``AmbiguousWriteError`` instead of being resent, and the caller finds out by content (the run's
file hash field, the results listed by run) whether it was stored. Results stay all or none: more than
one request's worth go through a result transaction, whose appends are invisible until the commit, so
an ambiguous append is aborted and started afresh, while an ambiguous commit is raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ingest.benchling.models import AssayRunCreate
from ingest.benchling.result_writer import DEFAULT_CHUNK, ResultInput, abort_quietly
from ingest.benchling.results import ResultEndpoints, prepare_results
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.runs import RunEndpoints, prepare_runs
from ingest.benchling.stats import StatsRecorder
from ingest.errors import AmbiguousWriteError, BenchlingError, BenchlingRejectedError

log = logging.getLogger("ingest.benchling")


class AssignedIdWriter:
    def __init__(
        self,
        runs: RunEndpoints,
        results: ResultEndpoints,
        *,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
        stats: StatsRecorder,
    ) -> None:
        self._runs = runs
        self._results = results
        self._policy = policy
        self._sleep = sleep
        self._stats = stats

    def create_runs(self, runs: Sequence[Mapping[str, Any] | AssayRunCreate]) -> list[str]:
        """One ``POST /assay-runs``, sent once; the ids Benchling assigned, in order."""
        bodies = prepare_runs(runs)
        answered = self._runs.post(bodies)
        _check_count(answered, len(bodies), "POST", "/assay-runs", "assay runs")
        return answered

    def create_results(
        self,
        results: Sequence[ResultInput],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_transaction: Callable[[str], None] | None = None,
        on_commit: Callable[[str], None] | None = None,
    ) -> list[str]:
        """One file's results, all or none; the ids Benchling assigned, in the order of ``results``."""
        bodies = prepare_results(results)
        if len(bodies) <= chunk_size:
            answered = self._results.post(bodies)
            _check_count(answered, len(bodies), "POST", "/assay-results", "assay results")
            return answered
        attempts = 0
        while True:
            attempts += 1
            transaction_id = self._results.start_transaction()
            if on_transaction:
                on_transaction(transaction_id)
            try:
                answered = self._append_all(transaction_id, bodies, chunk_size)
            except AmbiguousWriteError:
                self._stats.ambiguous_write()
                abort_quietly(self._results, transaction_id)
                if attempts >= self._policy.max_attempts:
                    raise
                self._sleep(self._policy.backoff(attempts))
                continue
            except BenchlingError:
                abort_quietly(self._results, transaction_id)
                raise
            if on_commit:
                on_commit(transaction_id)
            try:
                self._results.commit_transaction(transaction_id)
            except BenchlingRejectedError:
                abort_quietly(self._results, transaction_id)
                raise
            return answered

    def _append_all(self, transaction_id: str, bodies: list[dict[str, Any]], chunk_size: int) -> list[str]:
        answered: list[str] = []
        for start in range(0, len(bodies), chunk_size):
            chunk = bodies[start : start + chunk_size]
            ids = self._results.append_to_transaction(transaction_id, chunk)
            _check_count(
                ids, len(chunk), "POST", "/result-transactions/{transaction_id}/results", "assay results"
            )
            answered += ids
        return answered


def _check_count(answered: Sequence[str], sent: int, method: str, path: str, what: str) -> None:
    if len(answered) != sent or len(set(answered)) != sent:
        raise BenchlingRejectedError(
            f"Benchling answered {len(answered)} distinct id(s) for {sent} {what} created by {method} "
            f"{path}; expected one id per object, in order.",
            method=method,
            path=path,
            status=200,
        )
