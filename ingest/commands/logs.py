"""Logging for the command line: readable lines by default, JSON lines with ``--log-json``; known
secret values are replaced by ``[REDACTED]`` in every record, whatever logged them."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            for secret in self._secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        return True


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]  # StreamHandler is generic only in stubs
    """Writes to whatever ``sys.stderr`` is at the time of each record (it may be replaced)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class DropWatchdogStopNoise(logging.Filter):
    """watchdog logs an ERROR when its inotify emitter is stopped while reading (upstream PR #963
    chose "return as if no events, log an error"); on every clean stop it is noise, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("watchdog.")
            and "called when the thread is inactive" in record.getMessage()
        )


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, json_lines: bool, secrets: Sequence[str], verbose: bool = False) -> None:
    handler = _CurrentStderr(sys.stderr)
    handler.setFormatter(
        JsonLines() if json_lines else logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(DropWatchdogStopNoise())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _CurrentStderr)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("httpx", "httpcore", "watchdog", "uvicorn.access", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
