"""A process that spends from a Benchling budget as fast as it can: ``THREADS`` threads each sending
``REQUESTS`` reads (``GET /projects``), through the shared PostgreSQL budget (``shared``) or each
process's own in-process limiter (``local``, what hosts without a shared budget would do).

    python -m tests.support.budget_hammer URL API_KEY DSN shared|local REQUESTS THREADS LIMIT WINDOW
"""

from __future__ import annotations

import sys
import threading

from ingest.benchling import ApiKey, BenchlingClient, RateLimit, RetryPolicy, budget_key
from ingest.ledger.postgres_budget import PostgresRequestBudget


def main(argv: list[str]) -> int:
    url, api_key, dsn, mode, requests, threads, limit, window = argv
    rate = RateLimit(int(limit), float(window))
    budget = None
    if mode == "shared":
        key = budget_key(url, ApiKey(api_key))
        budget = PostgresRequestBudget(
            dsn, key=key, requests=rate.requests, window_seconds=rate.window_seconds
        )
    policy = RetryPolicy(
        initial_backoff=0.05, max_backoff=1.0, jitter=0.0, max_attempts=50, rate_limited_attempts=50
    )
    client = BenchlingClient(url, ApiKey(api_key), rate_limit=rate, budget=budget, retry_policy=policy)
    start = threading.Barrier(int(threads))

    def hammer() -> None:
        start.wait()
        for _ in range(int(requests)):
            client.list_projects()

    workers = [threading.Thread(target=hammer) for _ in range(int(threads))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    client.close()
    if budget is not None:
        budget.close()
    print(f"done {client.stats.total_requests} {client.stats.rate_limited}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
