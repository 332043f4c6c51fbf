"""The backfill benchmark's judged figure: requests in the run's whole rate-limit windows."""

from __future__ import annotations

from bench.backfill import whole_windows


def test_a_client_sending_a_window_s_worth_at_each_window_start_fills_every_whole_window() -> None:
    # 300/30 sent perfectly: 300 at once, then 300 a window later, then 300, then the last 18.
    arrivals = [1000.0 + 30 * w + i * 0.001 for w in range(3) for i in range(300)] + [1090.0] * 18
    assert whole_windows(arrivals, started=999.0, ended=1092.0, window=30) == (3, 900)


def test_windows_count_from_the_first_request_and_leave_out_the_drain() -> None:
    arrivals = [10.0, 20.0, 41.0, 69.0, 71.0, 75.0]
    assert whole_windows(arrivals, started=5.0, ended=76.0, window=30) == (2, 4)


def test_requests_from_before_the_run_are_not_the_run_s() -> None:
    assert whole_windows([1.0, 2.0, 50.0, 60.0, 81.0], started=40.0, ended=85.0, window=30) == (1, 2)


def test_a_run_shorter_than_a_window_has_no_whole_window() -> None:
    assert whole_windows([1.0, 2.0], started=0.0, ended=20.0, window=30) == (0, 0)
    assert whole_windows([], started=0.0, ended=20.0, window=30) == (0, 0)
