"""``retry``: put quarantined files back where they were found, and make waiting retries due now.

A restored file is a new version (restoring touches it) that a running ``watch`` takes as a new row.
The old row keeps its history but no longer owns a file (no root, no final path), so nothing ever
tries to finish filing it. An export comes back with the attachment files that were quarantined
separately because it failed (named or not, they are its part).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from ingest import filing
from ingest.pipeline.factory import open_ledger


@dataclass(frozen=True)
class Restored:
    quarantined: Path
    restored_to: Path


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
    return restored
