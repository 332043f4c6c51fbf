"""``retry``: put quarantined files back where they were found, and make waiting retries due now.

A restored file is a new version (restoring touches it) that a running ``watch`` takes as a new row.
The old row keeps its history but no longer owns a file (no root, no final path), so nothing ever
tries to finish filing it. An export comes back with the attachment files that were quarantined
separately because it failed (named or not, they are its part).

Retry takes the instance lock while it writes when the lock is free. When a ``watch`` holds it, retry
goes ahead beside it: it only resets rows (each one SQLite transaction) and moves files back into the
drop folder, and the running watch takes them. When a ``run``, ``reprocess`` or another ``retry``
holds it, retry refuses (``InstanceLockedError``), see ``ingest.operations.instance_lock``.

A file is named by its quarantined path, its original path, or its bare name (``run42.csv``: the
name it had in the drop folder, or the one it has in quarantine). A bare name that fits several
quarantined files, or a name that fits none, is refused before anything moves
(``QuarantineNameError``, listing the candidates or what is quarantined).

Files the watch stage quarantined for a name that is not text have no ledger row; their report names
the watched folder, and retry puts them back there under the printable name they were given, which the
watch then takes like any other file. Links to outside the folder are never put back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from ingest import filing
from ingest.errors import ConfigError
from ingest.file_names import display
from ingest.ledger import FileRecord
from ingest.operations.instance_lock import Holder, retry_lock
from ingest.pipeline.factory import open_ledger
from ingest.settings import Settings


@dataclass(frozen=True)
class Restored:
    quarantined: Path
    restored_to: Path


class QuarantineNameError(ConfigError):
    """A name given to ``retry`` fits no quarantined file, or (a bare name) several of them."""

    pauses_ingestion = False  # a person's typo at the command line, never seen by the service


#: Names listed at most in a QuarantineNameError.
_LISTED = 20


@dataclass(frozen=True)
class _Quarantined:
    """One quarantined file: its ledger row, or (quarantined by the watch stage) its watched folder."""

    quarantined: Path
    original: Path | None
    record: FileRecord | None = None
    folder: Path | None = None

    def fits(self, name: Path, *, bare: bool) -> bool:
        if bare:
            return name.name in (self.quarantined.name, self.original.name if self.original else None)
        wanted = name.absolute()
        return wanted in (self.quarantined.absolute(), self.original)

    def describe(self) -> str:
        origin = f" (from {display(self.original)})" if self.original is not None else ""
        return f"{display(self.quarantined)}{origin}"


@dataclass(frozen=True)
class RetryResult:
    """What was restored, and the running ``watch`` that retry went ahead beside (None: it held the lock)."""

    restored: list[Restored] = field(default_factory=list)
    beside: Holder | None = None


def retry_with_lock(
    settings: Settings,
    failed_dir: Path,
    *,
    files: Collection[Path] = (),
    everything: bool = False,
    clock: Callable[[], float] = time.time,
) -> RetryResult:
    """``retry_quarantined`` on the settings' ledger under the lock rule above."""
    with retry_lock(settings) as beside:
        restored = retry_quarantined(
            settings.ledger_location, failed_dir, files=files, everything=everything, clock=clock
        )
    return RetryResult(restored, beside)


def retry_quarantined(
    ledger_path: Path | str,
    failed_dir: Path,
    *,
    files: Collection[Path] = (),
    everything: bool = False,
    clock: Callable[[], float] = time.time,
) -> list[Restored]:
    """Restore the named quarantined files (quarantined path, original path or bare name), or every one
    with ``everything``, which also makes every waiting retry due now. Returns what was restored;
    ``QuarantineNameError`` (nothing moved) when a name fits no quarantined file or several."""
    restored: list[Restored] = []
    with open_ledger(ledger_path) as ledger:
        failed = [r for r in ledger.in_state("failed") if r.final_path is not None and r.root is not None]
        known = [_Quarantined(r.final_path, r.path, record=r) for r in failed if r.final_path is not None]
        known += _renamed(failed_dir)
        chosen_all = known if everything else _choose(known, files, failed_dir)
        chosen = [q.record for q in chosen_all if q.record is not None]
        attachments = {path for r in chosen for path in ledger.attachment_paths(r.id)}
        taken = {r.id for r in chosen}
        chosen += [r for r in failed if r.path in attachments and r.id not in taken]
        for record in chosen:
            if record.final_path is None or record.root is None or not record.final_path.exists():
                continue
            target = filing.restore(record.final_path, failed_dir, record.root)
            ledger.release_file(record.id)
            restored.append(Restored(record.final_path, target))
        if everything:
            for record in ledger.pending(include_waiting=True):
                if record.next_attempt_at is not None:
                    ledger.reschedule(record.id, retry_at=clock())
    for item in chosen_all:
        if item.record is None and item.folder is not None and item.quarantined.exists():
            target = filing.restore(item.quarantined, failed_dir, item.folder)
            restored.append(Restored(item.quarantined, target))
    return restored


def _choose(known: list[_Quarantined], names: Collection[Path], failed_dir: Path) -> list[_Quarantined]:
    """The quarantined file each name means: by path first, else (a bare name) by name, exactly one."""
    chosen: list[_Quarantined] = []
    for name in names:
        fits = [q for q in known if q.fits(name, bare=False)]
        if not fits and len(name.parts) == 1:
            fits = [q for q in known if q.fits(name, bare=True)]
        if not fits:
            listed = ", ".join(sorted(q.quarantined.name for q in known)[:_LISTED]) or "nothing"
            raise QuarantineNameError(
                f"No quarantined file is named '{name}' (in the ledger or under {display(failed_dir)}); "
                f"quarantined now: {listed}. Give its name, its quarantined path or its original path.",
                value=str(name),
            )
        if len(fits) > 1:
            candidates = "; ".join(q.describe() for q in fits[:_LISTED])
            raise QuarantineNameError(
                f"'{name}' names {len(fits)} quarantined files: {candidates}. "
                "Give the quarantined path of the one to retry.",
                value=str(name),
            )
        chosen += [q for q in fits if q not in chosen]
    return chosen


def _renamed(failed_dir: Path) -> list[_Quarantined]:
    """Files quarantined by the watch stage for their names (no ledger row): restored under printable
    names into the watched folder their report names."""
    if not failed_dir.is_dir():
        return []
    found = []
    for quarantined, report in filing.quarantine_reports(failed_dir):
        details = report.get("details")
        if report.get("stage") != "watch" or not isinstance(details, dict) or details.get("kind") != "name":
            continue
        folder = details.get("watched_folder")
        if isinstance(folder, str):
            found.append(_Quarantined(quarantined, None, folder=Path(folder)))
    return found
