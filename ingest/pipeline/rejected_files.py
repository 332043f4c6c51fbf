"""What happens to files the watch stage refuses (a name that is not text, a link to outside the watched
folder): quarantined with an ``.error.json`` naming the reason (a link unread), or, without a quarantine
folder, left where they are with a warning. They never get a ledger row: a name that is not text cannot
be stored, and a link to elsewhere is never read. ``retry`` puts a renamed one back under its printable
name (see ``ingest.operations.retry``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from ingest import filing
from ingest.file_names import display
from ingest.watch import Rejection

log = logging.getLogger("ingest.filing")


class RejectedFiles:
    """The watcher's ``on_reject``: True once a rejection is dealt with, False to be asked again later."""

    def __init__(self, failed_dir: Path | None, *, now: Callable[[], dt.datetime]) -> None:
        self._failed_dir = failed_dir
        self._now = now

    def __call__(self, rejection: Rejection) -> bool:
        if self._failed_dir is None:
            log.warning("Not taking %s (left in place): %s", rejection.shown, rejection.reason)
            return True
        # The watched folder is kept so that `retry` can put a renamed file back where it was found.
        details = {"kind": rejection.kind, "watched_folder": str(rejection.root)}
        error = {"stage": "watch", "reason": rejection.reason, "details": details}
        try:
            target = filing.quarantine(
                rejection.path,
                rejection.root,
                self._failed_dir,
                error=error,
                now=self._now(),
                # A link to elsewhere is never read; a unit's members may have names no hash can take.
                read_content=rejection.kind == "name" and not rejection.path.is_dir(),
            )
        except (OSError, ValueError) as exc:
            log.warning("Could not quarantine %s (%s); will try again.", rejection.shown, exc)
            return False
        log.warning("Quarantined %s as %s: %s", rejection.shown, display(target), rejection.reason)
        return True
