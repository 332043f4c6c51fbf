"""What a running service is doing now: files in flight with their step, outcomes counted, the last
files finished; the service writes it from its threads, the status page, health and metrics read it.

Listeners (the metrics) hear each finished file with its drop-to-run latency and each timed step.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ingest.pipeline.outcome import Outcome

#: Finished files remembered for the page.
RECENT_FILES = 20

#: Outcomes that created (or found) a run in Benchling.
RUN_OUTCOMES = frozenset({"done", "adopted"})


class StateListener(Protocol):
    def file_finished(self, outcome: Outcome, latency_seconds: float | None) -> None:
        """``latency_seconds``: from the file's last change (its drop) to its run, for new runs only."""
        ...

    def step_timed(self, step: str, seconds: float) -> None:
        """``step``: ``prepare`` (parse and plan) or ``load`` (send to Benchling)."""
        ...


@dataclass(frozen=True)
class InFlight:
    path: Path
    step: str
    since: float


@dataclass(frozen=True)
class FinishedFile:
    path: Path
    kind: str
    run_id: str | None
    at: float
    message: str


class ServiceState:
    """Thread-safe; times are wall-clock seconds from ``clock``."""

    def __init__(self, *, clock: Callable[[], float] = time.time, keep: int = RECENT_FILES) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.started_at = clock()
        self._outcomes: Counter[str] = Counter()
        self._in_flight: dict[Path, InFlight] = {}
        self._recent: deque[FinishedFile] = deque(maxlen=keep)
        self._listeners: list[StateListener] = []

    def subscribe(self, listener: StateListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def begin(self, path: Path, step: str) -> None:
        """``path`` is now at ``step`` (replacing its previous step)."""
        with self._lock:
            previous = self._in_flight.get(path)
            self._in_flight[path] = InFlight(
                path, step, self._clock() if previous is None else previous.since
            )

    def drop(self, path: Path) -> None:
        """``path`` left the workers without an outcome (offered again later)."""
        with self._lock:
            self._in_flight.pop(path, None)

    def timed(self, step: str, seconds: float) -> None:
        for listener in self._listeners_now():
            listener.step_timed(step, seconds)

    def finish(self, outcome: Outcome) -> None:
        now = self._clock()
        record = outcome.record
        with self._lock:
            self._in_flight.pop(outcome.path, None)
            self._outcomes[outcome.kind] += 1
            if outcome.kind != "waiting":
                self._recent.appendleft(
                    FinishedFile(outcome.path, outcome.kind, record.run_id, now, outcome.message)
                )
        latency = max(0.0, now - record.mtime_ns / 1e9) if outcome.kind == "done" else None
        for listener in self._listeners_now():
            listener.file_finished(outcome, latency)

    def _listeners_now(self) -> list[StateListener]:
        with self._lock:
            return list(self._listeners)

    @property
    def outcomes(self) -> dict[str, int]:
        with self._lock:
            return dict(self._outcomes)

    def files(self) -> dict[str, Any]:
        """JSON-ready: ``outcomes`` (since start), ``in_flight`` (oldest first), ``recent`` (newest first)."""
        with self._lock:
            in_flight = sorted(self._in_flight.values(), key=lambda f: f.since)
            recent = list(self._recent)
            outcomes = dict(self._outcomes)
        return {
            "outcomes": outcomes,
            "in_flight": [{"path": str(f.path), "step": f.step, "since": f.since} for f in in_flight],
            "recent": [
                {"path": str(f.path), "kind": f.kind, "run_id": f.run_id, "at": f.at, "message": f.message}
                for f in recent
            ],
        }
