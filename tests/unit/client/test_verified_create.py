"""The create-verification loop with in-memory stand-ins for Benchling's store (no HTTP involved)."""

from __future__ import annotations

import pytest

from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.stats import StatsRecorder
from ingest.benchling.verified_create import create_verified
from ingest.errors import AmbiguousWriteError, BenchlingRejectedError
from tests.support.fake_time import FakeTime

POLICY = RetryPolicy(initial_backoff=0.01, max_backoff=0.1, jitter=0.0, max_attempts=4)


class FakeStore:
    """Stores ids; ``script`` says per send: "ok", "commit_then_fail", "fail" or "duplicate"."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.stored: list[str] = []
        self.sends: list[list[str]] = []

    def send(self, ids: list[str]) -> None:
        self.sends.append(list(ids))
        step = self.script.pop(0) if self.script else "ok"
        if step == "duplicate" or (step == "ok" and set(ids) & set(self.stored)):
            raise BenchlingRejectedError(
                "rejected",
                method="POST",
                path="/assay-runs",
                status=400,
                benchling_message="id already exists",
            )
        if step in ("ok", "commit_then_fail"):
            self.stored.extend(ids)
        if step in ("commit_then_fail", "fail"):
            raise AmbiguousWriteError("502", method="POST", path="/assay-runs", status=502)

    def find(self, ids: list[str]) -> set[str]:
        return set(ids) & set(self.stored)


def run(store: FakeStore, ids: list[str]) -> StatsRecorder:
    stats = StatsRecorder()
    time = FakeTime()
    create_verified(
        ids, send=store.send, find_existing=store.find, policy=POLICY, sleep=time.sleep, stats=stats
    )
    return stats


def test_commit_then_fail_is_not_sent_again() -> None:
    store = FakeStore("commit_then_fail")
    stats = run(store, ["a", "b"])
    assert store.stored == ["a", "b"]
    assert len(store.sends) == 1
    assert stats.snapshot().ambiguous_writes == 1


def test_failure_before_storing_is_sent_again_once() -> None:
    store = FakeStore("fail", "ok")
    run(store, ["a"])
    assert store.stored == ["a"]
    assert len(store.sends) == 2


def test_duplicate_id_rejection_counts_as_success_when_the_objects_exist() -> None:
    store = FakeStore()
    store.stored = ["a"]
    run(store, ["a"])
    assert store.stored == ["a"]


def test_duplicate_rejection_for_missing_objects_is_raised() -> None:
    store = FakeStore("duplicate")
    with pytest.raises(BenchlingRejectedError):
        run(store, ["a"])


def test_persistent_ambiguity_gives_up_after_the_policy_attempts() -> None:
    store = FakeStore("fail", "fail", "fail", "fail", "fail")
    with pytest.raises(AmbiguousWriteError):
        run(store, ["a"])
    assert len(store.sends) == POLICY.max_attempts
    assert store.stored == []
