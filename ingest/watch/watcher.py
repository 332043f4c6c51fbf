"""Finds files dropped into watched folders and yields each version once it has stopped changing.

The truth is a listing of every root: one when scanning starts, then one every ``rescan_seconds``.
watchdog events only wake the scanner early (they are unreliable on shares, on overflow and across
outages). A candidate is ready when its size and mtime (every member's, for a folder unit) have not
changed for ``settle_seconds`` by the injected clock, its done marker exists (when configured) and
every member can be opened for reading (Windows locks a file while it is being copied in).

Nothing is ever done for files that disappear: a share outage looks like every file vanishing and
coming back, and state keyed by (path, size, mtime_ns) makes that harmless.

A yielded version is asked about again (``is_known``) after a short delay: when the consumer did not
record it (disk full, database locked, any error before its ledger row existed), it is offered again,
with a delay that doubles up to ``retry_max_seconds``; never dropped until a restart. Candidates whose
names are not text, or that resolve outside their watched folder, are handed to ``on_reject`` instead
(see ``ingest.watch.rejections``), and offered to it again with the same backoff until it takes them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import TracebackType

from watchdog.observers.api import BaseObserver

from ingest.file_names import display
from ingest.hashing import hash_unit
from ingest.models import SourceFile
from ingest.watch.folder_scans import FolderScans
from ingest.watch.listing import Candidate, RootListing, list_root
from ingest.watch.observers import ObserverSupervisor
from ingest.watch.options import WatchOptions
from ingest.watch.patterns import PathFilter
from ingest.watch.rejections import Rejection, link_target_taken, location_rejection, name_rejection
from ingest.watch.settle import SettleTracker
from ingest.watch.shares import is_network_path

log = logging.getLogger(__name__)

#: Event bursts (a large copy fires "modified" for every chunk) trigger at most one scan per this gap.
MIN_EVENT_SCAN_GAP = 0.25
#: How often a blocked ``poll_ready`` checks that the observers are still alive, at the least.
HEALTH_CHECK_SECONDS = 1.0

VersionKey = tuple[Path, int, int]


def _log_rejection(rejection: Rejection) -> bool:
    log.warning("Not taking %s: %s", rejection.shown, rejection.reason)
    return True


@dataclass
class _Offer:
    """What the watcher did with one version: ``attempts`` offers so far (to the consumer, or to
    ``on_reject``); ``recheck_at`` is when to look again, None once the version needs nothing more."""

    attempts: int = 0
    recheck_at: float | None = None


class FolderWatcher:
    """Yields each ready file version under ``roots``, once unless the consumer failed to take it.

    ``is_known(path, size, mtime_ns)`` is asked (from the thread calling ``scan_once``/``poll_ready``)
    before a settled version is hashed; True means the consumer has finished with it and it is skipped.
    It is asked again about each yielded version after a delay: False then means the consumer did not
    take it, and it is yielded again (backing off). Without ``is_known`` a version is yielded once.
    An error raised by ``is_known`` (a ledger that is busy or gone) is logged and the version is tried
    again later. ``on_reject(rejection)`` gets candidates the watch stage refuses (see
    ``ingest.watch.rejections``); it returns False to be asked again later (the quarantine failed).
    ``clock`` drives the settle window, the rescan timer and the backoff; waiting itself uses real time.
    ``can_read(members)`` says whether every member can be opened now (default: try to open each).
    Offered versions are remembered in memory for the watcher's lifetime (a few hundred bytes each);
    after a restart, ``is_known`` is what prevents re-hashing files still lying in the folder.
    """

    def __init__(
        self,
        roots: Sequence[Path],
        options: WatchOptions,
        *,
        is_known: Callable[[Path, int, int], bool] | None = None,
        on_reject: Callable[[Rejection], bool] = _log_rejection,
        clock: Callable[[], float] = time.monotonic,
        can_read: Callable[[Sequence[Path]], bool] | None = None,
    ) -> None:
        if not roots:
            raise ValueError("FolderWatcher needs at least one folder to watch; got none.")
        self.roots = tuple(Path(root) for root in roots)
        self.options = options
        self._is_known = is_known
        self._on_reject = on_reject
        self._clock = clock
        self._can_read = can_read or _all_readable
        self._filter = PathFilter(options.include, options.exclude, options.done_marker)
        self._settle = SettleTracker(options.settle_seconds, options.empty_settle_seconds)
        self._offers: dict[VersionKey, _Offer] = {}
        self._unavailable: set[Path] = set()
        self._next_due: float | None = None
        self._last_scan: float | None = None
        self.folder_scans = FolderScans(self.roots)  # when each root was last listed, for status and health
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._scan_lock = threading.Lock()
        self._supervisor = ObserverSupervisor(
            self.roots,
            use_polling=self._polls,
            recursive=options.recursive,
            wake=self._wake.set,
            # Polling re-lists the whole tree each time; on a share that is costly and only saves latency.
            polling_interval=min(options.rescan_seconds, max(1.0, options.settle_seconds / 2)),
        )
        self._started = False

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the file-system observers (roots that are missing are retried on every cycle)."""
        self._stopped.clear()
        self._started = True
        self._supervisor.ensure_running()

    def request_stop(self) -> None:
        """Wake any blocked ``poll_ready``, which then returns ``[]``; never blocks (safe from a signal
        handler). ``stop`` then stops the observers."""
        self._stopped.set()
        self._wake.set()

    def stop(self) -> None:
        """Stop the observers, join all their threads and wake any blocked ``poll_ready``."""
        self._started = False
        self.request_stop()
        self._supervisor.stop()

    def __enter__(self) -> FolderWatcher:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def observers(self) -> tuple[BaseObserver | None, ...]:
        """The live watchdog observer per root (None while a root is unavailable or not started)."""
        return self._supervisor.observers

    @property
    def observer_restarts(self) -> int:
        """How many times a dead observer has been replaced."""
        return self._supervisor.restarts

    def root_for(self, path: Path) -> Path:
        """The watched root that ``path`` lies under (what ``filing.archive`` needs)."""
        for root in self.roots:
            if path == root or root in path.parents:
                return root
        raise ValueError(f"{path} is not under any watched folder ({', '.join(map(str, self.roots))}).")

    # -- scanning ----------------------------------------------------------------------------------------

    def poll_ready(self, timeout: float) -> list[SourceFile]:
        """Block until a scan finds newly-ready files (returned) or ``timeout`` seconds pass (``[]``).

        Scans run at once on the first call, whenever an event arrives (rate-limited), when a pending
        candidate's settle window ends and every ``rescan_seconds``. Each cycle also restarts dead
        observers. Returns ``[]`` promptly after ``stop()``.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        while not self._stopped.is_set():
            if self._started and self._supervisor.ensure_running():
                self._wake.set()  # a fresh observer missed whatever happened while it was down
            now = self._clock()
            woken = self._wake.is_set()
            if self._scan_due(now) or (woken and self._event_gap_passed(now)):
                self._wake.clear()
                ready = self.scan_once()
                if ready:
                    return ready
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            wait = min(remaining, HEALTH_CHECK_SECONDS, self._seconds_until_due(now))
            if woken:
                # An event arrived too soon after the last scan: wait out the gap (stop() still interrupts).
                gap = (self._last_scan if self._last_scan is not None else now) + MIN_EVENT_SCAN_GAP - now
                self._stopped.wait(min(wait, max(0.0, gap)))
            else:
                self._wake.wait(wait)
        return []

    def scan_once(self) -> list[SourceFile]:
        """List every root once and return the versions that became ready (hashed) in this scan."""
        with self._scan_lock:
            now = self._clock()
            self._next_due = None
            ready: list[SourceFile] = []
            for root in self.roots:
                listing = list_root(
                    root,
                    self._filter,
                    self.options.unit_suffixes,
                    recursive=self.options.recursive,
                    skip=self.options.skip_folders,
                )
                self.folder_scans.record(listing)
                if not self._note_availability(listing):
                    continue
                listed = {c.relative for c in listing.candidates}
                for candidate in listing.candidates:
                    source = self._consider(candidate, now, listed)
                    if source is not None:
                        ready.append(source)
                if listing.complete:
                    self._settle.forget_unseen(root, [c.path for c in listing.candidates])
            self._last_scan = now
            return ready

    def _consider(self, candidate: Candidate, now: float, listed: set[PurePath]) -> SourceFile | None:
        key: VersionKey = (candidate.path, candidate.size, candidate.mtime_ns)
        settled_at = self._settle.observe(candidate.root, candidate.path, candidate.signature, now)
        offer = self._offers.get(key)
        if offer is not None and (offer.recheck_at is None or now < offer.recheck_at):
            if offer.recheck_at is not None:
                self._due_at(offer.recheck_at)
            return None
        if now < settled_at:
            self._due_at(settled_at)
            return None
        if not candidate.marker_present:
            return None
        # A name that is not text must not reach the ledger, not even as a question.
        rejection = name_rejection(candidate)
        if rejection is not None:
            self._reject(key, rejection, now)
            return None
        known = self._ask_known(key, now)
        if known is None or known:
            return None
        rejection = location_rejection(candidate)
        if rejection is not None:
            self._reject(key, rejection, now)
            return None
        target = link_target_taken(candidate, listed)
        if target is not None:
            log.info(
                "Not taking %s: it links to %s, which is taken itself.",
                display(candidate.relative),
                display(target),
            )
            self._offers.setdefault(key, _Offer()).recheck_at = None
            return None
        if not self._can_read(candidate.members):
            self._try_later(key, now)
            return None
        try:
            sha256 = hash_unit(candidate.path, candidate.members)
        except OSError as exc:
            log.info("Could not hash %s yet (%s); will try again.", display(candidate.path), exc)
            self._settle.restart(candidate.path, now)
            self._due_at(now + max(self.options.settle_seconds, self._retry_seconds))
            return None
        if not _unchanged(candidate):
            # It changed while we were reading it: the copy was still running after all.
            self._settle.restart(candidate.path, now)
            self._due_at(now + max(self.options.settle_seconds, self._retry_seconds))
            return None
        if self._is_known is None:
            self._offers[key] = _Offer(attempts=1)
        else:
            self._try_later(key, now)  # then ask whether the consumer took it
        return SourceFile(candidate.path, sha256, candidate.size, candidate.mtime_ns, candidate.members)

    def _ask_known(self, key: VersionKey, now: float) -> bool | None:
        """``is_known`` for ``key`` (True also settles it); None when asking failed (tried again later)."""
        if self._is_known is None:
            return False
        try:
            known = self._is_known(*key)
        except Exception as exc:  # a busy, full or unreachable ledger must not stop the scan
            log.warning(
                "Could not look up %s in the ledger (%s: %s); will try again.",
                display(key[0]),
                type(exc).__name__,
                exc,
            )
            self._try_later(key, now)
            return None
        if known:
            self._offers.setdefault(key, _Offer()).recheck_at = None
        return known

    def _reject(self, key: VersionKey, rejection: Rejection, now: float) -> None:
        try:
            taken = self._on_reject(rejection)
        except Exception:  # the handler's failure (a full quarantine disk) only delays it
            log.exception("Could not set aside %s; will try again.", rejection.shown)
            taken = False
        if taken:
            self._offers.setdefault(key, _Offer(attempts=1)).recheck_at = None
        else:
            self._try_later(key, now)

    def _try_later(self, key: VersionKey, now: float) -> None:
        """Count one more attempt at ``key`` and look at it again after a delay that doubles each time."""
        offer = self._offers.setdefault(key, _Offer())
        offer.attempts += 1
        delay = min(HEALTH_CHECK_SECONDS * 2 ** min(offer.attempts - 1, 30), self.options.retry_max_seconds)
        offer.recheck_at = now + delay
        self._due_at(offer.recheck_at)

    def _note_availability(self, listing: RootListing) -> bool:
        if not listing.available:
            if listing.root not in self._unavailable:
                self._unavailable.add(listing.root)
                log.warning(
                    "Watched folder %s cannot be listed (%s); retrying on every scan.",
                    listing.root,
                    listing.problem,
                )
            return False
        if listing.root in self._unavailable:
            self._unavailable.discard(listing.root)
            log.info("Watched folder %s is available again.", listing.root)
        return True

    def _due_at(self, when: float) -> None:
        self._next_due = when if self._next_due is None else min(self._next_due, when)

    def _scan_due(self, now: float) -> bool:
        return self._seconds_until_due(now) <= 0

    def _seconds_until_due(self, now: float) -> float:
        if self._last_scan is None:
            return 0.0
        due = self._last_scan + self.options.rescan_seconds
        if self._next_due is not None:
            due = min(due, self._next_due)
        return max(0.0, due - now)

    def _event_gap_passed(self, now: float) -> bool:
        return self._last_scan is None or now - self._last_scan >= MIN_EVENT_SCAN_GAP

    @property
    def _retry_seconds(self) -> float:
        return min(HEALTH_CHECK_SECONDS, self.options.rescan_seconds)

    def _polls(self, root: Path) -> bool:
        if self.options.poll is not None:
            return self.options.poll
        return is_network_path(root)


def _all_readable(members: Sequence[Path]) -> bool:
    for member in members:
        try:
            with open(member, "rb"):
                pass
        except OSError:
            return False
    return True


def _unchanged(candidate: Candidate) -> bool:
    # Members were listed before hashing; a member that grew or was rewritten since means not ready.
    try:
        stats = [member.stat() for member in candidate.members]
    except OSError:
        return False
    size = sum(stat.st_size for stat in stats)
    newest = max((stat.st_mtime_ns for stat in stats), default=0)
    return size == candidate.size and newest == candidate.mtime_ns
