"""``/healthz`` judged from a service's snapshot: healthy while the scanner runs and Benchling answered
recently; otherwise every reason, in words."""

from __future__ import annotations

from typing import Any

from ingest.web.health import judge

NOW = 10_000.0


def snapshot(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "updated_at": NOW - 1,
        "started_at": NOW - 600,
        "running": True,
        "paused_reason": None,
        "in_flight": [],
        "rescan_seconds": 30.0,
        "folders": [{"path": "/in", "scanned_at": NOW - 10, "reachable": True, "problem": None}],
        "benchling": {"last_answer_at": NOW - 5, "problem": None, "probe_seconds": 30.0},
        "ledger_problem": None,
    }
    return {**base, **changes}


def test_a_scanning_service_that_benchling_answers_is_healthy() -> None:
    health = judge(snapshot(), now=NOW, refresh_seconds=2.0)
    assert health.ok and health.as_json() == {"status": "ok", "reasons": []}


def test_benchling_silent_for_twice_the_probe_interval_is_unhealthy() -> None:
    health = judge(
        snapshot(benchling={"last_answer_at": NOW - 61, "problem": None, "probe_seconds": 30.0}),
        now=NOW,
        refresh_seconds=2.0,
    )
    assert health.reasons == ["Benchling last answered 61 s ago (expected within 60 s)."]


def test_a_failed_probe_says_why() -> None:
    failed = {"last_answer_at": NOW - 5, "problem": "Could not connect to Benchling.", "probe_seconds": 30.0}
    health = judge(snapshot(benchling=failed), now=NOW, refresh_seconds=2.0)
    assert health.reasons == ["Benchling did not answer as expected: Could not connect to Benchling."]


def test_a_stopped_loop_an_unreachable_folder_a_pause_and_a_stale_snapshot_are_all_named() -> None:
    health = judge(
        snapshot(
            updated_at=NOW - 60,
            running=False,
            paused_reason="Benchling refused the credentials (401).",
            folders=[{"path": "/share", "scanned_at": NOW - 10, "reachable": False, "problem": "gone"}],
        ),
        now=NOW,
        refresh_seconds=2.0,
    )
    assert health.reasons == [
        "The service's state was last refreshed 60 s ago.",
        "The service's scan loop is not running.",
        "Ingestion is paused: Benchling refused the credentials (401).",
        "Watched folder '/share' cannot be listed: gone",
    ]


def test_a_folder_not_scanned_for_long_is_unhealthy_unless_files_are_in_flight() -> None:
    late = [{"path": "/in", "scanned_at": NOW - 500, "reachable": True, "problem": None}]
    assert judge(snapshot(folders=late), now=NOW, refresh_seconds=2.0).reasons == [
        "Watched folder '/in' was last scanned 500 s ago (expected within 120 s)."
    ]
    busy = snapshot(folders=late, in_flight=[{"path": "/in/a.csv", "step": "loading", "since": NOW}])
    assert judge(busy, now=NOW, refresh_seconds=2.0).ok
