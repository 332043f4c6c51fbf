"""How folders are watched: the watcher's options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.watch.patterns import DEFAULT_EXCLUDES


@dataclass(frozen=True)
class WatchOptions:
    """How folders are watched. Globs match the path relative to its root (see ``ingest.watch.patterns``).

    ``poll``: None picks per root (polling on network shares, native events elsewhere).
    ``unit_suffixes``: a folder whose name ends with one of these (case-insensitive) is one unit.
    ``done_marker``: when set, a file ``X`` is ready only once ``X<done_marker>`` exists beside it.
    ``retry_max_seconds``: the longest wait before a version the consumer did not take (or a file that
    cannot be read yet) is tried again; waits start at one second and double.
    ``empty_settle_seconds``: how long an empty file (or a unit of only empty files) must stay so before
    it is taken (at least ``settle_seconds``): a writer creates a file before it writes to it.
    """

    settle_seconds: float = 10.0
    rescan_seconds: float = 30.0
    poll: bool | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    unit_suffixes: tuple[str, ...] = (".d",)
    done_marker: str | None = None
    recursive: bool = True
    retry_max_seconds: float = 60.0
    empty_settle_seconds: float = 60.0
    #: Folders never listed although inside a watched folder: the archive, the quarantine and the work
    #: folder (else what is archived there would be found again, and archived into itself).
    skip_folders: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if self.settle_seconds < 0:
            raise ValueError(f"settle_seconds must be zero or more; got {self.settle_seconds!r}.")
        if self.rescan_seconds <= 0:
            raise ValueError(f"rescan_seconds must be more than zero; got {self.rescan_seconds!r}.")
        if self.empty_settle_seconds < 0:
            raise ValueError(f"empty_settle_seconds must be zero or more; got {self.empty_settle_seconds!r}.")
        if self.retry_max_seconds <= 0:
            raise ValueError(f"retry_max_seconds must be more than zero; got {self.retry_max_seconds!r}.")
