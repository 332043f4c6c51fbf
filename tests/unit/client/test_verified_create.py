"""The create-verification loop with in-memory stand-ins for Benchling's store (no HTTP involved)."""

from __future__ import annotations

import pytest

from ingest.benchling.errors import ClientIdsNotKeptError
from ingest.benchling.retry_policy import RetryPolicy
from ingest.benchling.stats import StatsRecorder
from ingest.benchling.verified_create import CreateTarget, create_verified
from ingest.errors import AmbiguousWriteError, BenchlingRejectedError
from tests.support.fake_time import FakeTime

POLICY = RetryPolicy(initial_backoff=0.01, max_backoff=0.1, jitter=0.0, max_attempts=4)
TARGET = CreateTarget("assay runs", "POST", "/assay-runs")


class FakeStore:
    """Stores ids; ``script`` says per send: "ok", "commit_then_fail", "fail", "duplicate" or
    "server_ids" (stores under ids of its own). ``duplicate_status`` is the status of a duplicate."""

    def __init__(self, *script: str, duplicate_status: int = 400) -> None:
        self.script = list(script)
        self.stored: list[str] = []
        self.sends: list[list[str]] = []
        self.duplicate_status = duplicate_status

    def send(self, ids: list[str]) -> list[str]:
        self.sends.append(list(ids))
        step = self.script.pop(0) if self.script else "ok"
        if step == "duplicate" or (step == "ok" and set(ids) & set(self.stored)):
            raise BenchlingRejectedError(
                "rejected",
                method="POST",
                path="/assay-runs",
                status=self.duplicate_status,
                benchling_message="the request is invalid",
            )
        if step == "server_ids":
            assigned = [f"server-{i}" for i in ids]
            self.stored.extend(assigned)
            return assigned
        if step in ("ok", "commit_then_fail"):
            self.stored.extend(ids)
        if step in ("commit_then_fail", "fail"):
            raise AmbiguousWriteError("502", method="POST", path="/assay-runs", status=502)
        return list(ids)

    def find(self, ids: list[str]) -> set[str]:
        return set(ids) & set(self.stored)


def run(store: FakeStore, ids: list[str]) -> StatsRecorder:
    stats = StatsRecorder()
    time = FakeTime()
    create_verified(
        ids,
        send=store.send,
        find_existing=store.find,
        policy=POLICY,
        sleep=time.sleep,
        stats=stats,
        target=TARGET,
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


@pytest.mark.parametrize("status", [400, 409])
def test_a_rejection_naming_no_duplicate_still_counts_when_every_object_exists(status: int) -> None:
    store = FakeStore(duplicate_status=status)
    store.stored = ["a", "b"]
    run(store, ["a", "b"])
    assert store.stored == ["a", "b"]
    assert len(store.sends) == 1


def test_only_the_objects_not_found_after_a_rejection_are_sent_again() -> None:
    store = FakeStore()
    store.stored = ["a"]
    run(store, ["a", "b"])
    assert store.sends == [["a", "b"], ["b"]]
    assert store.stored == ["a", "b"]


def test_ids_the_server_chose_raise_naming_what_was_created() -> None:
    store = FakeStore("server_ids")
    with pytest.raises(ClientIdsNotKeptError) as caught:
        run(store, ["a", "b"])
    assert caught.value.sent_ids == ["a", "b"]
    assert caught.value.assigned_ids == ["server-a", "server-b"]
    assert caught.value.retryable is False
    assert "assigns its own ids" in caught.value.message
    assert len(store.sends) == 1
