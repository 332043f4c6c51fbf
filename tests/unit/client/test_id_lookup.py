"""Lookups by key against an in-memory stand-in answering unknown keys in each of Benchling's possible forms
(pure logic: no HTTP)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ingest.benchling.id_lookup import ChunkSize, KeyLookup
from ingest.errors import BenchlingNotFoundError, BenchlingRejectedError

STYLES = (
    "listing_error_400",
    "invalid_ids_400",
    "invalid_ids_404",
    "invalid_id_404",
    "bad_request_400",
    "partial_200",
)


class FakeBulkGet:
    """Holds ``known`` keys; answers unknown ones as ``style``; refuses lists longer than ``max_keys``."""

    def __init__(self, known: Sequence[str], style: str, max_keys: int = 1000) -> None:
        self.known = set(known)
        self.style = style
        self.max_keys = max_keys
        self.calls: list[list[str]] = []

    def __call__(self, keys: list[str]) -> list[str]:
        self.calls.append(list(keys))
        if len(keys) > self.max_keys:
            raise BenchlingRejectedError("too many", method="GET", path="/x:bulk-get", status=400)
        unknown = [k for k in keys if k not in self.known]
        if not unknown or self.style == "partial_200":
            return [k for k in keys if k in self.known]
        status = 404 if self.style.endswith("404") else 400
        error = BenchlingNotFoundError if status == 404 else BenchlingRejectedError
        context: dict[str, object] = {}
        if self.style in ("listing_error_400", "invalid_ids_400", "invalid_ids_404"):
            context["invalidIds"] = unknown
        if self.style == "invalid_id_404":
            context["invalidId"] = unknown[0]
        raise error("unknown", method="GET", path="/x:bulk-get", status=status, **context)


def _lookup(fake: FakeBulkGet, chunk: ChunkSize | None = None) -> KeyLookup[str]:
    return KeyLookup(fake, lambda item: item, chunk or ChunkSize(100))


@pytest.mark.parametrize("style", STYLES)
def test_found_and_missing_keep_the_order_asked_under_every_style(style: str) -> None:
    fake = FakeBulkGet([f"k{i}" for i in range(10)], style)
    result = _lookup(fake).run(["x1", "k3", "k1", "x2", "k3", "k9", "x3"])
    assert list(result.found) == ["k3", "k1", "k9"]
    assert result.missing == ("x1", "x2", "x3")


@pytest.mark.parametrize("style", STYLES)
def test_all_known_takes_one_call(style: str) -> None:
    fake = FakeBulkGet(["a", "b"], style)
    assert list(_lookup(fake).run(["a", "b"]).found) == ["a", "b"]
    assert len(fake.calls) == 1


def test_a_plain_400_is_bisected_not_asked_key_by_key() -> None:
    known = [f"k{i:03d}" for i in range(127)]
    fake = FakeBulkGet(known, "bad_request_400")
    result = _lookup(fake, ChunkSize(128)).run([*known[:64], "unknown", *known[64:]])
    assert result.missing == ("unknown",) and len(result.found) == 127
    assert len(fake.calls) <= 1 + 2 * 7  # a path down the halving tree, not 128 calls


def test_one_named_key_per_answer_costs_one_call_per_unknown_plus_one() -> None:
    fake = FakeBulkGet(["a", "b"], "invalid_id_404")
    result = _lookup(fake).run(["x", "a", "y", "b", "z"])
    assert result.missing == ("x", "y", "z")
    assert [len(c) for c in fake.calls] == [5, 4, 3, 2]


def test_a_refused_long_list_lowers_the_chunk_for_later_lookups() -> None:
    known = [f"k{i}" for i in range(12)]
    fake = FakeBulkGet(known, "bad_request_400", max_keys=5)
    chunk = ChunkSize(12)
    assert list(_lookup(fake, chunk).run(known).found) == known
    assert chunk.value <= 5
    fake.calls.clear()
    assert list(_lookup(fake, chunk).run(known).found) == known
    assert all(len(c) <= 5 for c in fake.calls)


def test_an_error_naming_a_key_not_asked_for_is_raised() -> None:
    def fetch(keys: list[str]) -> list[str]:
        raise BenchlingNotFoundError(
            "no registry", method="GET", path="/registries/{id}", status=404, invalidId="src_nope"
        )

    with pytest.raises(BenchlingNotFoundError):
        KeyLookup(fetch, lambda item: item, ChunkSize(10)).run(["a", "b"])


def test_a_plain_404_first_asks_the_caller_to_check_the_container() -> None:
    checked: list[bool] = []
    fake = FakeBulkGet(["a"], "bad_request_400")

    def plain_404(keys: list[str]) -> list[str]:
        try:
            return fake(keys)
        except BenchlingRejectedError as exc:
            raise BenchlingNotFoundError("gone", method="GET", path="/x", status=404) from exc

    lookup = KeyLookup(
        plain_404, lambda item: item, ChunkSize(10), on_unnamed_404=lambda: checked.append(True)
    )
    assert lookup.run(["a", "b", "c"]).missing == ("b", "c")
    assert checked == [True]


def test_other_errors_are_raised_untouched() -> None:
    def fetch(keys: list[str]) -> list[str]:
        raise BenchlingRejectedError("forbidden", method="GET", path="/x", status=403)

    with pytest.raises(BenchlingRejectedError) as caught:
        KeyLookup(fetch, lambda item: item, ChunkSize(10)).run(["a"])
    assert caught.value.status == 403
