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

The ledger records where each file was quarantined. When that place is gone (the quarantine folder was
moved or copied elsewhere) the file is looked for under ``--failed`` by its ``.error.json``, which names
its original path and content hash. A file found in neither place is reported as missing (with where the
ledger expects it), never silently left out; a name that fits only such files is refused saying so.

Files the watch stage quarantined for a name that is not text have no ledger row; their report names
the watched folder, and retry puts them back there under the printable name they were given, which the
watch then takes like any other file. Links to outside the folder are never put back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

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
    #: The ledger's record of it, but the file is neither there nor found under ``--failed``.
    missing: bool = False

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
    #: Quarantined files the ledger names (asked for, or all with ``--all``) found nowhere: where the
    #: ledger expects each.
    missing: list[Path] = field(default_factory=list)


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
        missing: list[Path] = []
        restored = retry_quarantined(
            settings.ledger_location,
            failed_dir,
            files=files,
            everything=everything,
            clock=clock,
            missing=missing,
        )
    return RetryResult(restored, beside, missing)


def retry_quarantined(
    ledger_path: Path | str,
    failed_dir: Path,
    *,
    files: Collection[Path] = (),
    everything: bool = False,
    clock: Callable[[], float] = time.time,
    missing: list[Path] | None = None,
) -> list[Restored]:
    """Restore the named quarantined files (quarantined path, original path or bare name), or every one
    with ``everything``, which also makes every waiting retry due now. Returns what was restored;
    ``QuarantineNameError`` (nothing moved) when a name fits no quarantined file or several, or only
    files that are missing. ``missing`` is given the ledger's place of each chosen file found nowhere."""
    restored: list[Restored] = []
    with open_ledger(ledger_path) as ledger:
        failed = [r for r in ledger.in_state("failed") if r.final_path is not None and r.root is not None]
        known = _in_quarantine(failed, failed_dir)
        places = {q.record.id: q for q in known if q.record is not None}
        known += _renamed(failed_dir)
        chosen_all = known if everything else _choose(known, files, failed_dir)
        chosen = [q.record for q in chosen_all if q.record is not None]
        attachments = {path for r in chosen for path in ledger.attachment_paths(r.id)}
        taken = {r.id for r in chosen}
        chosen += [r for r in failed if r.path in attachments and r.id not in taken]
        for record in chosen:
            place = places[record.id]
            if record.root is None or place.missing:
                if missing is not None:
                    missing.append(place.quarantined)
                continue
            target = filing.restore(place.quarantined, failed_dir, record.root)
            ledger.release_file(record.id)
            restored.append(Restored(place.quarantined, target))
        if everything:
            for record in ledger.pending(include_waiting=True):
                if record.next_attempt_at is not None:
                    ledger.reschedule(record.id, retry_at=clock())
    for item in chosen_all:
        if item.record is None and item.folder is not None and item.quarantined.exists():
            target = filing.restore(item.quarantined, failed_dir, item.folder)
            restored.append(Restored(item.quarantined, target))
    return restored


def _in_quarantine(failed: list[FileRecord], failed_dir: Path) -> list[_Quarantined]:
    """Each failed row's quarantined file: where the ledger recorded it, else (that place is gone) the
    file under ``failed_dir`` whose report names the row's original path and content, else missing."""
    found: list[_Quarantined] = []
    reports: dict[str, list[tuple[Path, Any]]] | None = None
    used: set[Path] = set()
    for record in failed:
        assert record.final_path is not None and record.root is not None
        if record.final_path.exists():
            found.append(_Quarantined(record.final_path, record.path, record=record))
            continue
        if reports is None:
            reports = _reports_by_original(failed_dir)
        try:
            original = PurePosixPath(*record.path.relative_to(record.root).parts).as_posix()
        except ValueError:
            original = None
        moved = [
            path
            for path, sha256 in (reports.get(original, []) if original is not None else [])
            if sha256 in (None, record.sha256) and path not in used and path.exists()
        ]
        if moved:
            used.add(moved[0])
            found.append(_Quarantined(moved[0], record.path, record=record))
        else:
            found.append(_Quarantined(record.final_path, record.path, record=record, missing=True))
    return found


def _reports_by_original(failed_dir: Path) -> dict[str, list[tuple[Path, Any]]]:
    """Quarantined files under ``failed_dir`` by the original path their report names (with its sha256)."""
    by_original: dict[str, list[tuple[Path, Any]]] = {}
    if failed_dir.is_dir():
        for quarantined, report in filing.quarantine_reports(failed_dir):
            original = report.get("file")
            if isinstance(original, str):
                by_original.setdefault(original, []).append((quarantined, report.get("sha256")))
    return by_original


def _choose(known: list[_Quarantined], names: Collection[Path], failed_dir: Path) -> list[_Quarantined]:
    """The quarantined file each name means: by path first, else (a bare name) by name, exactly one."""
    chosen: list[_Quarantined] = []
    present = [q for q in known if not q.missing]
    for name in names:
        fits = [q for q in present if q.fits(name, bare=False)]
        if not fits and len(name.parts) == 1:
            fits = [q for q in present if q.fits(name, bare=True)]
        gone = [q for q in known if q.missing and (q.fits(name, bare=False) or q.fits(name, bare=True))]
        if not fits and gone:
            expected = "; ".join(display(q.quarantined) for q in gone[:_LISTED])
            raise QuarantineNameError(
                f"'{name}' was quarantined, but it is no longer where the ledger recorded it ({expected}) "
                f"and no .error.json under {display(failed_dir)} names it. If the quarantine folder was "
                "moved, give --failed the folder it is in now; if the file was deleted, drop it again.",
                value=str(name),
            )
        if not fits:
            listed = ", ".join(sorted(q.quarantined.name for q in present)[:_LISTED]) or "nothing"
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
