"""The service's pause: ingestion stops taking files while a cause no file is to blame for lasts.

A cause (credentials refused, Benchling unreachable, a mapping that does not fit the tenant) is
logged once when the pause starts. While paused it is looked at again with backoff, and at once when
the configuration changes (the mapping file is saved); when the check finds nothing wrong any more,
ingestion resumes. Without a check, the pause simply ends after the backoff and the files are tried
again (pausing again if the cause is still there).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from ingest.errors import IngestError

log = logging.getLogger("ingest.service")

#: The first wait before the cause is looked at again, and the longest (the wait doubles in between).
PAUSE_BACKOFF = (5.0, 300.0)


class PauseCheck(Protocol):
    """What the service asks while paused (``ingest.operations.preflight.PauseRecheck``)."""

    def reason(self) -> str | None:
        """Why ingestion cannot go on now, or None when it can (having applied the fix, e.g. the
        mapping file as it now is)."""
        ...

    def changed(self) -> bool:
        """True when the configuration changed since last asked: the cause is looked at again at once."""
        ...


class Pause:
    """Whether ingestion is paused and why; used from the service's loop thread only (``reason`` may be
    read from any thread)."""

    def __init__(
        self,
        check: PauseCheck | None = None,
        *,
        backoff: tuple[float, float] = PAUSE_BACKOFF,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._check = check
        self._backoff = backoff
        self._clock = clock
        self._failures = 0
        self._next_check = 0.0
        self._resumed_at: float | None = None
        self.reason: str | None = None

    def enter(self, reason: str) -> None:
        """Pause for ``reason`` (logged once: a pause already on keeps its first reason)."""
        if self.reason is not None:
            return
        # Paused again soon after resuming (a check that passes while files still fail): keep backing
        # off rather than flapping between paused and resumed every few seconds.
        recent = self._resumed_at is not None and self._clock() - self._resumed_at < self._backoff[1]
        self._failures = self._failures + 1 if recent else 0
        delay = self._schedule()
        log.warning(
            "Ingestion paused: %s Files stay where they are (nothing is quarantined); checking again in "
            "%s, and at once when the mapping file changes.",
            _sentence(reason),
            _seconds(delay),
        )
        # Published only once logged: whoever sees the service paused finds the pause in the log.
        self.reason = reason

    def resume_if_fixed(self) -> bool:
        """True when not paused, or when the cause is gone now (looked at when due or when the
        configuration changed); False while the pause lasts."""
        if self.reason is None:
            return True
        changed = self._check is not None and self._check.changed()
        if not changed and self._clock() < self._next_check:
            return False
        reason = self._current_reason()
        if reason is None:
            cause = self.reason.split(" To fix:")[0].rstrip(".")
            log.warning("Ingestion resumed: the cause of the pause is gone (%s).", cause)
            self.reason = None
            self._resumed_at = self._clock()
            return True
        self.reason = reason
        self._failures += 1
        delay = self._schedule()
        log.info("Still paused: %s Checking again in %s.", _sentence(reason), _seconds(delay))
        return False

    def _current_reason(self) -> str | None:
        if self._check is None:
            return None  # try the files again: they pause again if the cause is still there
        try:
            return self._check.reason()
        except IngestError as exc:
            return exc.message
        except Exception as exc:  # a check that breaks must not stop the service; it stays paused
            log.exception("Checking whether the pause can end failed")
            return f"the check failed: {type(exc).__name__}: {exc}"

    def _schedule(self) -> float:
        first, longest = self._backoff
        delay = min(first * 2.0 ** min(self._failures, 30), longest)
        self._next_check = self._clock() + delay
        return delay


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _seconds(delay: float) -> str:
    return f"{delay:.0f} s" if delay >= 10 else f"{delay:.1f} s"
