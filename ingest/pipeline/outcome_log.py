"""The one log record per file outcome, with the fields a log file is searched by.

Each outcome is logged once, here: ``failed`` at ERROR, ``waiting`` at WARNING (a routine wait at
INFO), the rest at INFO. The record carries, as ``extra`` attributes (``--log-json`` and
``--log-file`` write them as JSON fields):
``file``, ``sha256``, ``state``, ``outcome``, ``run_id``, and when the caller measured them
``duration_s`` (the time this pass spent on the file) and ``requests`` (the requests it sent for this
file alone; a lookup batched over several files is not counted for any one of them).
"""

from __future__ import annotations

import logging

from ingest.pipeline.outcome import Outcome

log = logging.getLogger("ingest.outcome")

#: The attributes ``log_outcome`` adds to its record.
OUTCOME_FIELDS = ("file", "sha256", "state", "outcome", "run_id", "duration_s", "requests")

_LEVELS = {"failed": logging.ERROR, "waiting": logging.WARNING}


def log_outcome(outcome: Outcome, *, duration_s: float | None = None, requests: int | None = None) -> None:
    record = outcome.record
    fields = {
        "file": str(outcome.path),
        "sha256": record.sha256,
        "state": record.state,
        "outcome": outcome.kind,
        "run_id": record.run_id,
        "duration_s": None if duration_s is None else round(duration_s, 3),
        "requests": requests,
    }
    log.log(
        logging.INFO if outcome.routine else _LEVELS.get(outcome.kind, logging.INFO),
        "%s %s: %s",
        outcome.kind,
        outcome.path,
        outcome.message,
        extra=fields,
    )
