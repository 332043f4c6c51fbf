"""``retry``: put quarantined files back where they were found, and make waiting retries due now.

A restored file is a new version (restoring touches it) that a running ``watch`` takes as a new row.
The old row keeps its history but no longer owns a file (no root, no final path), so nothing ever
tries to finish filing it. An export comes back with the attachment files that were quarantined
separately because it failed (named or not, they are its part).

Retry takes the instance lock while it writes when the lock is free. When a ``watch`` holds it, retry
goes ahead beside it: it only resets rows (each one SQLite transaction) and moves files back into the
drop folder, and the running watch takes them. When a ``run``, ``reprocess`` or another ``retry``
holds it, retry refuses (``InstanceLockedError``), see ``ingest.operations.instance_lock``.

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
from ingest.operations.instance_lock import Holder, retry_lock
from ingest.pipeline.factory import open_ledger
from ingest.settings import Settings


@dataclass(frozen=True)
class Restored:
    quarantined: Path
    restored_to: Path


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
    """Restore the named quarantined files (their quarantined or original paths), or every one with
    ``everything``, which also makes every waiting retry due now. Returns what was restored."""
    wanted = {f.absolute() for f in files}
    restored: list[Restored] = []
    with open_ledger(ledger_path) as ledger:
        failed = [r for r in ledger.in_state("failed") if r.final_path is not None and r.root is not None]
        chosen = [
            r
            for r in failed
            if everything
            or (r.final_path is not None and r.final_path.absolute() in wanted)
            or r.path in wanted
        ]
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
    return restored + _restore_renamed(failed_dir, wanted, everything=everything)


def _restore_renamed(failed_dir: Path, wanted: Collection[Path], *, everything: bool) -> list[Restored]:
    """Files quarantined by the watch stage for their names (no ledger row), back under printable names."""
    if not failed_dir.is_dir():
        return []
    restored = []
    for quarantined, report in filing.quarantine_reports(failed_dir):
        details = report.get("details")
        if report.get("stage") != "watch" or not isinstance(details, dict) or details.get("kind") != "name":
            continue
        folder = details.get("watched_folder")
        if not isinstance(folder, str) or not (everything or quarantined.absolute() in wanted):
            continue
        if quarantined.exists():
            restored.append(Restored(quarantined, filing.restore(quarantined, failed_dir, Path(folder))))
    return restored
