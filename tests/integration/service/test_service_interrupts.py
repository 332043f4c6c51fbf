"""Ctrl-C and SIGTERM on the real ``watch`` (and ``sandbox``) process: a first signal stops at the next
checkpoint, a second one at once; Ctrl-C exits 130, a SIGTERM that stopped in time 0."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from integration.service.conftest import posix_signals
from integration.service.service_rig import ServiceRig, console_script, samples, write_lc_export

from ingest.sandbox import FaultSpec

pytestmark = posix_signals
#: Seconds to allow a step that takes a second on an idle machine (the CLI imports pandas & co.).
LOADED = 180.0


def test_ctrl_c_stops_the_watch_at_a_checkpoint_with_exit_code_130(rig: ServiceRig) -> None:
    with rig.start_watch() as watch:
        watch.wait_watching(timeout=LOADED)
        write_lc_export(rig.inbox, "run1", samples(1, 2))
        watch.wait_settled(1, timeout=LOADED)
        assert watch.stop(signal.SIGINT) == 130, watch.log()
    assert "Stopping after the files in hand reach a checkpoint" in watch.log()
    assert "Stopping at once" not in watch.log()


def test_sigterm_that_stops_in_time_exits_0(rig: ServiceRig) -> None:
    with rig.start_watch() as watch:
        watch.wait_watching(timeout=LOADED)
        assert watch.stop(signal.SIGTERM) == 0, watch.log()


def test_a_second_ctrl_c_stops_at_once_while_a_request_hangs(rig: ServiceRig) -> None:
    """A blob upload the sandbox holds for two minutes: the first Ctrl-C cannot reach a checkpoint
    (the worker waits on the answer), the second ends the process at once; the row stays resumable."""
    rig.sandbox.set_faults(FaultSpec.parse("POST /blobs*: latency=120"))
    with rig.start_watch() as watch:
        watch.wait_watching(timeout=LOADED)
        write_lc_export(rig.inbox, "run1", samples(1, 2))
        watch.wait_for(
            lambda: rig.sandbox.request_log.count(method="GET") > 0 and bool(rig.rows_in("planned")),
            "the file to be planned (its upload then hangs)",
            timeout=LOADED,
        )
        watch.process.send_signal(signal.SIGINT)
        watch.wait_for(
            lambda: "Stopping after the files in hand" in watch.log(), "the first Ctrl-C to be heard"
        )
        with pytest.raises(subprocess.TimeoutExpired):
            watch.process.wait(timeout=2.0)
        assert watch.stop(signal.SIGINT, timeout=30.0) == 130, watch.log()
    assert "Stopping at once (a second signal)" in watch.log()
    assert [r.state for r in rig.rows()] == ["planned"], rig.describe()


def test_the_grace_period_ends_a_stop_that_cannot_finish(rig: ServiceRig) -> None:
    rig.sandbox.set_faults(FaultSpec.parse("POST /blobs*: latency=120"))
    with rig.start_watch("--stop-grace", "1") as watch:
        watch.wait_watching(timeout=LOADED)
        write_lc_export(rig.inbox, "run1", samples(1))
        watch.wait_for(lambda: bool(rig.rows_in("planned")), "the file to be planned", timeout=LOADED)
        assert watch.stop(signal.SIGTERM, timeout=30.0) == 143, watch.log()
    assert "Stopping at once (the grace period's end)" in watch.log()


def test_a_stop_ends_the_clients_backoff_wait(rig: ServiceRig) -> None:
    """Every upload answers 503 with a long Retry-After-free backoff: the client waits between tries;
    Ctrl-C ends that wait (the stop event), so the first signal stops the watch without a second."""
    rig.sandbox.set_faults(FaultSpec.parse("POST /blobs*: 503=1.0"))
    with rig.start_watch() as watch:
        watch.wait_watching(timeout=LOADED)
        write_lc_export(rig.inbox, "run1", samples(1))
        watch.wait_for(
            lambda: rig.post_count() >= 4,
            "the client to be backing off (8 s) before a 5th try",
            timeout=LOADED,
        )
        assert watch.stop(signal.SIGINT, timeout=30.0) == 130, watch.log()
    assert "Stopping at once" not in watch.log()
    assert [r.state for r in rig.rows()] == ["planned"], rig.describe()


def test_ctrl_c_ends_the_sandbox_with_130() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHLING")}
    process = subprocess.Popen(
        [str(console_script()), "sandbox", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # ends when the process closes its output
            if "Press Ctrl-C" in line:
                break
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
