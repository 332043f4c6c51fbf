"""Logging for the command line: readable lines on stderr by default, JSON lines with ``--log-json``,
and with ``--log-file`` JSON lines in a file rotated by size (the standard library's
``RotatingFileHandler``). A JSON line carries the record's fields given as ``extra`` (a file outcome's
``file``, ``sha256``, ``state``, ``run_id``, ``duration_s``, ``requests``: see
``ingest.pipeline.outcome_log``). Known secret values are replaced by ``[REDACTED]`` in every record,
whatever logged them, on every handler."""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REDACTED = "[REDACTED]"

#: Record attributes a JSON line carries when a record has them (given through ``extra=``).
EXTRA_FIELDS = ("file", "sha256", "state", "outcome", "run_id", "duration_s", "requests")


@dataclass(frozen=True)
class LogFile:
    """``--log-file PATH``: JSON lines, rotated at ``max_bytes`` keeping ``backups`` older files."""

    path: Path
    max_bytes: int = 10 * 1024 * 1024
    backups: int = 5


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg, record.args = self._redact(record.getMessage()), None
            for name in EXTRA_FIELDS:
                value = getattr(record, name, None)
                if isinstance(value, str):
                    setattr(record, name, self._redact(value))
        return True

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


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
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _RotatingJsonFile(logging.handlers.RotatingFileHandler):
    """The ``--log-file`` handler (its own class so a second configuration replaces it)."""


def configure_logging(
    *, json_lines: bool, secrets: Sequence[str], verbose: bool = False, log_file: LogFile | None = None
) -> None:
    """Log to stderr (readable or JSON lines) and, with ``log_file``, to a rotated JSON-lines file."""
    handler: logging.Handler = _CurrentStderr(sys.stderr)
    handler.setFormatter(
        JsonLines() if json_lines else logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    )
    handlers = [handler]
    if log_file is not None:
        log_file.path.parent.mkdir(parents=True, exist_ok=True)
        to_file = _RotatingJsonFile(
            log_file.path, maxBytes=log_file.max_bytes, backupCount=log_file.backups, encoding="utf-8"
        )
        to_file.setFormatter(JsonLines())
        handlers.append(to_file)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, (_CurrentStderr, _RotatingJsonFile))]:
        root.removeHandler(old)
        old.close()
    for new in handlers:
        new.addFilter(RedactSecrets(secrets))
        new.addFilter(DropWatchdogStopNoise())
        root.addHandler(new)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("httpx", "httpcore", "watchdog", "uvicorn.access", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The pool warns at every failed connection attempt; the ledger's own messages say what it means.
    logging.getLogger("psycopg.pool").setLevel(logging.DEBUG if verbose else logging.ERROR)
