"""All-or-none result creation for one file, and bulk creation of many files' results in one task.

A file's results appear all or none: up to ``chunk_size`` (Benchling takes 100 per request) go in one
``POST /assay-results``; more go through a result transaction (start, append chunks, commit), which
Benchling applies atomically. The transaction id is handed to ``on_transaction`` before it is used, and
again to ``on_commit`` before its commit is sent, so a caller can store both steps. An ambiguous append
aborts the transaction and starts a fresh one (nothing was visible yet); an ambiguous commit is resolved
by asking for the result ids. ``settle_transaction`` finishes a transaction a killed process left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ingest.benchling.errors import ClientIdsNotKeptError
from ingest.benchling.models import AssayResultCreate
from ingest.benchling.results import ResultEndpoints, prepare_results
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.stats import StatsRecorder
from ingest.benchling.tasks import TaskEndpoints
from ingest.benchling.verified_create import CreateTarget, create_verified, looks_like_duplicate
from ingest.errors import AmbiguousWriteError, BenchlingError, BenchlingRejectedError

log = logging.getLogger("ingest.benchling")

ResultInput = Mapping[str, Any] | AssayResultCreate
DEFAULT_CHUNK = 100
_POST = CreateTarget("assay results", "POST", "/assay-results")
_BULK_CREATE = CreateTarget("assay results", "POST", "/assay-results:bulk-create")
_APPEND = CreateTarget("assay results", "POST", "/result-transactions/{transaction_id}/results")


class ResultWriter:
    def __init__(
        self,
        results: ResultEndpoints,
        tasks: TaskEndpoints,
        *,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
        stats: StatsRecorder,
    ) -> None:
        self._results = results
        self._tasks = tasks
        self._policy = policy
        self._sleep = sleep
        self._stats = stats

    def create(
        self,
        results: Sequence[ResultInput],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_transaction: Callable[[str], None] | None = None,
        on_commit: Callable[[str], None] | None = None,
    ) -> list[str]:
        """Create one file's results, all or none; returns their ids in order."""
        bodies = prepare_results(results)
        if len(bodies) <= chunk_size:
            self._post_verified(bodies)
        else:
            self._via_transaction(bodies, chunk_size, on_transaction, on_commit)
        return [b["id"] for b in bodies]

    def settle_transaction(self, transaction_id: str, *, committing: bool) -> bool:
        """Finish a result transaction an interrupted ``create`` left: commit it again when its commit
        was being sent (``committing``), else abort it, so its results can be sent anew.

        Returns True when this commit succeeded now. A refused commit (the transaction was committed
        already, or aborted, or expired) is not an error: whether the results exist decides, so the
        caller asks for them next. An ambiguous commit raises ``AmbiguousWriteError`` (try again later).
        """
        if committing:
            try:
                self._results.commit_transaction(transaction_id)
                return True
            except BenchlingRejectedError as exc:
                log.info("Result transaction %s was not committed again: %s", transaction_id, exc.message)
        abort_quietly(self._results, transaction_id)
        return False

    def bulk_create(
        self, results: Sequence[ResultInput], *, task_timeout_seconds: float = 600.0
    ) -> list[str]:
        """``:bulk-create`` (up to 4000 per call) and wait for its task; verified like other creates."""
        bodies = prepare_results(results)
        by_id = {b["id"]: b for b in bodies}

        def send(pending: list[str]) -> list[str]:
            task_id = self._results.bulk_create([by_id[i] for i in pending])
            task = self._tasks.wait(task_id, timeout_seconds=task_timeout_seconds)
            answered = (task.response or {}).get("assayResults")
            return [str(i) for i in answered] if isinstance(answered, list) else []

        create_verified(
            list(by_id),
            send=send,
            find_existing=self._results.existing,
            policy=self._policy,
            sleep=self._sleep,
            stats=self._stats,
            target=_BULK_CREATE,
        )
        return list(by_id)

    def _post_verified(self, bodies: list[dict[str, Any]]) -> None:
        by_id = {b["id"]: b for b in bodies}
        create_verified(
            list(by_id),
            send=lambda pending: self._results.post([by_id[i] for i in pending]),
            find_existing=self._results.existing,
            policy=self._policy,
            sleep=self._sleep,
            stats=self._stats,
            target=_POST,
        )

    def _via_transaction(
        self,
        bodies: list[dict[str, Any]],
        chunk_size: int,
        on_transaction: Callable[[str], None] | None,
        on_commit: Callable[[str], None] | None,
    ) -> None:
        ids = [b["id"] for b in bodies]
        attempts = 0
        while True:
            attempts += 1
            transaction_id = self._results.start_transaction()
            if on_transaction:
                on_transaction(transaction_id)
            try:
                for start in range(0, len(bodies), chunk_size):
                    chunk = bodies[start : start + chunk_size]
                    answered = self._results.append_to_transaction(transaction_id, chunk)
                    sent = [b["id"] for b in chunk]
                    if answered != sent:
                        # Caught before the commit: the abort below leaves nothing behind.
                        raise ClientIdsNotKeptError(
                            what=_APPEND.what,
                            method=_APPEND.method,
                            path=_APPEND.path,
                            sent_ids=sent,
                            assigned_ids=answered,
                            created=False,
                        )
            except AmbiguousWriteError:
                self._stats.ambiguous_write()
                self._abort_quietly(transaction_id)
                if attempts >= self._policy.max_attempts:
                    raise
                self._sleep(self._policy.backoff(attempts))
                continue
            except BenchlingRejectedError as exc:
                self._abort_quietly(transaction_id)
                if looks_like_duplicate(exc) and not (set(ids) - self._results.existing(ids)):
                    return
                raise
            except BenchlingError:
                self._abort_quietly(transaction_id)
                raise
            if on_commit:
                on_commit(transaction_id)
            if self._commit_verified(transaction_id, ids):
                return
            if attempts >= self._policy.max_attempts:
                raise AmbiguousWriteError(
                    f"Result transaction for {len(ids)} results could not be committed after {attempts} "
                    "attempts; none of its results exist.",
                    method="POST",
                    path="/result-transactions/{transaction_id}:commit",
                    transaction_id=transaction_id,
                )

    def _commit_verified(self, transaction_id: str, ids: list[str]) -> bool:
        """Commit; True when every result exists afterwards, False when a fresh transaction is needed."""
        ambiguous = False
        for attempt in range(1, self._policy.max_attempts + 1):
            try:
                self._results.commit_transaction(transaction_id)
                return True
            except AmbiguousWriteError:
                self._stats.ambiguous_write()
                ambiguous = True
                self._sleep(self._policy.backoff(attempt))
                if self._all_exist(transaction_id, ids):
                    return True
            except BenchlingRejectedError:
                if not ambiguous:
                    self._abort_quietly(transaction_id)
                    raise
                # After an ambiguous commit the transaction may be gone; the results decide.
                return self._all_exist(transaction_id, ids)
        self._abort_quietly(transaction_id)
        return False

    def _all_exist(self, transaction_id: str, ids: list[str]) -> bool:
        """True when all results exist, False when none do; partly visible is impossible and raised."""
        missing = set(ids) - self._results.existing(ids)
        if missing and len(missing) != len(ids):
            raise AmbiguousWriteError(
                f"Result transaction {transaction_id} is partly visible ({len(ids) - len(missing)} of "
                f"{len(ids)} results); expected all or none.",
                method="POST",
                path="/result-transactions/{transaction_id}:commit",
                transaction_id=transaction_id,
            )
        return not missing

    def _abort_quietly(self, transaction_id: str) -> None:
        abort_quietly(self._results, transaction_id)


def abort_quietly(results: ResultEndpoints, transaction_id: str) -> None:
    """Abort a result transaction; one that is not open (or unknown) needs nothing, so errors are logged."""
    try:
        results.abort_transaction(transaction_id)
    except BenchlingError as exc:
        # An unaborted transaction is never committed, so it stores nothing; it only expires.
        log.info("Result transaction %s was not aborted: %s", transaction_id, exc.message)
