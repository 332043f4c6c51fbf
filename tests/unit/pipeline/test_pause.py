"""The service's pause as pure logic: a fake clock and a scripted check (no service, no waiting)."""

from __future__ import annotations

import itertools
import logging

import pytest

from ingest.errors import ConfigError
from ingest.pipeline.pause import Pause


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ScriptedCheck:
    """Answers ``reasons`` in turn; ``changes`` says whether the mapping file was saved meanwhile."""

    def __init__(self, *reasons: str | Exception | None) -> None:
        self.reasons = list(reasons)
        self.asked = 0
        self.changes = False

    def reason(self) -> str | None:
        self.asked += 1
        answer = self.reasons.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def changed(self) -> bool:
        changed, self.changes = self.changes, False
        return changed


def test_a_pause_is_logged_once_and_kept_until_the_check_passes(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    check = ScriptedCheck("still refused", None)
    pause = Pause(check, backoff=(5.0, 60.0), clock=clock)
    assert pause.resume_if_fixed() and pause.reason is None

    with caplog.at_level(logging.INFO, logger="ingest.service"):
        pause.enter("Benchling refused the credentials (401)")
        pause.enter("Benchling refused the credentials for GET /assay-run-schemas with 401")
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "Ingestion paused: Benchling refused the credentials (401)." in caplog.text
    assert pause.reason == "Benchling refused the credentials (401)"

    assert not pause.resume_if_fixed() and check.asked == 0, "not looked at before the backoff"
    clock.now += 5.0
    assert not pause.resume_if_fixed() and check.asked == 1
    assert pause.reason == "still refused"
    clock.now += 5.0
    assert not pause.resume_if_fixed() and check.asked == 1, "the wait doubled to 10 s"
    clock.now += 5.0
    with caplog.at_level(logging.INFO, logger="ingest.service"):
        assert pause.resume_if_fixed()
    assert pause.reason is None and check.asked == 2
    assert "Ingestion resumed" in caplog.text


def test_a_saved_mapping_file_is_looked_at_at_once() -> None:
    clock = Clock()
    check = ScriptedCheck(None)
    pause = Pause(check, backoff=(300.0, 300.0), clock=clock)
    pause.enter("The mapping for parser 'lc_csv' does not fit the tenant")
    assert not pause.resume_if_fixed()
    check.changes = True
    assert pause.resume_if_fixed() and check.asked == 1


def test_the_wait_between_checks_doubles_up_to_the_longest() -> None:
    clock = Clock()
    check = ScriptedCheck(*(["no"] * 5))
    pause = Pause(check, backoff=(1.0, 4.0), clock=clock)
    pause.enter("no")
    asked_at = [clock.now]
    while check.asked < 5:
        clock.now += 0.5
        before = check.asked
        pause.resume_if_fixed()
        if check.asked > before:
            asked_at.append(clock.now)
    waits = [b - a for a, b in itertools.pairwise(asked_at)]
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_check_that_raises_keeps_the_pause_with_its_message() -> None:
    clock = Clock()
    check = ScriptedCheck(ConfigError("The mapping file changes tenant.ids, which apply only at start."))
    pause = Pause(check, backoff=(1.0, 1.0), clock=clock)
    pause.enter("mapping does not fit")
    clock.now += 1.0
    assert not pause.resume_if_fixed()
    assert pause.reason == "The mapping file changes tenant.ids, which apply only at start."


def test_without_a_check_the_pause_ends_after_the_backoff_so_the_files_are_tried_again() -> None:
    clock = Clock()
    pause = Pause(None, backoff=(2.0, 2.0), clock=clock)
    pause.enter("Benchling refused the credentials (401)")
    assert not pause.resume_if_fixed()
    clock.now += 2.0
    assert pause.resume_if_fixed() and pause.reason is None


def test_pausing_again_soon_after_resuming_keeps_backing_off() -> None:
    """A check that passes while the files still fail must not make the service flap every few seconds."""
    clock = Clock()
    check = ScriptedCheck(None, None, None)
    pause = Pause(check, backoff=(1.0, 60.0), clock=clock)
    waits = []
    for _ in range(3):
        pause.enter("the files still fail")
        start = clock.now
        while not pause.resume_if_fixed():
            clock.now += 0.5
        waits.append(clock.now - start)
    assert waits == [1.0, 2.0, 4.0]
    clock.now += 60.0
    pause.enter("much later: a new cause")
    start = clock.now
    check.reasons.append(None)
    while not pause.resume_if_fixed():
        clock.now += 0.5
    assert clock.now - start == 1.0
