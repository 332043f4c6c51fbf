"""Moving processed files out of the watched folder: archive on success, quarantine on failure, restore.

Every move keeps the file's path relative to its watched root, never overwrites (a taken name becomes
``name (1).ext``, ``name (2).ext``, ...; an export and its attachment files go together to a numbered
folder instead, see ``archive_group``) and never deletes anything but our own half-written copies.
Within one volume a move is a single rename. Across volumes (archive on another drive) the data is
copied to a hidden ``.<name>.partial`` beside the target, renamed into place, and only then removed
from the source, so a crash at any point loses nothing; calling again finishes the job: when the
source is gone and the target exists, the target is returned.

Names are made to fit: a name that is not text gets a printable one, and a name that would pass the
file system's 255 limit once numbered or given its ``.error.json`` is shortened with a hash suffix
(``ingest.file_names.safe_name``); the quarantine report keeps the original. A symbolic link is moved as
the link itself, never as what it points to.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from ingest.errors import without_secrets
from ingest.file_names import display, path_is_text, raw_bytes, safe_name, safe_relative
from ingest.filing.error_reports import (
    ERROR_REPORT_SUFFIX,
    error_report_path,
    read_report,
    write_report_atomically,
)
from ingest.hashing import hash_unit
from ingest.models import SourceFile

# Windows reports a rename across drives as ERROR_NOT_SAME_DEVICE rather than EXDEV.
_WINDOWS_NOT_SAME_DEVICE = 17


def archive(source: SourceFile | Path, root: Path, archive_dir: Path, *, now: datetime) -> Path:
    """Move a file or unit folder to ``archive_dir/YYYY/MM/DD/<path relative to root>``; return where."""
    path = _source_path(source)
    relative = _relative_to_root(path, root)
    wanted = _day_folder(archive_dir, now) / safe_relative(relative)
    if not _exists(path):
        return _find_moved(path, wanted, _sha_of(source), _member_names(source))
    return _move_without_overwrite(path, wanted)


def archive_group(
    source: SourceFile | Path,
    attachments: Sequence[Path],
    root: Path,
    archive_dir: Path,
    *,
    now: datetime,
) -> Path:
    """``archive`` for an export and the attachment files it uploaded, under names that still pair.

    The export names its attachments by their place relative to its folder (they never leave it), so
    the group keeps those names: beside each other in the day's folder when every name is free there,
    otherwise all together in a fresh numbered folder ``<export stem> (N)`` in that place. Numbering
    each file on its own would leave a renamed export naming another file's trace. Returns the
    export's target. Idempotent like ``archive``: a kill between the moves is completed into the
    folder where the export went.
    """
    if not attachments:
        return archive(source, root, archive_dir, now=now)
    path = _source_path(source)
    relative = _relative_to_root(path, root)
    place = _day_folder(archive_dir, now) / safe_relative(relative.parent)
    inside: list[tuple[Path, PurePath]] = []
    outside: list[Path] = []
    for attachment in attachments:
        attachment_relative = _relative_to_root(attachment, root)
        if attachment_relative.is_relative_to(relative.parent):
            inside.append((attachment, safe_relative(attachment_relative.relative_to(relative.parent))))
        else:
            outside.append(attachment)  # named from elsewhere: no name of it is kept by the export
    export_name = safe_name(relative.name)
    if _exists(path):
        # An attachment already gone (another export that names it took it along) has no name to keep.
        names = [PurePath(export_name), *(name for attachment, name in inside if _exists(attachment))]
        folder = _free_group_folder(place, relative.name, names)
        target = _move_without_overwrite(path, folder / export_name)
    else:
        target = _find_moved_in_group(path, place, relative.name, _sha_of(source), _member_names(source))
        folder = target.parent
    for attachment, name in inside:
        if _exists(attachment):
            _move_without_overwrite(attachment, folder / name)
    for attachment in outside:
        archive(attachment, root, archive_dir, now=now)
    return target


def quarantine(
    source: SourceFile | Path,
    root: Path,
    failed_dir: Path,
    *,
    error: Mapping[str, Any],
    now: datetime,
    read_content: bool = True,
) -> Path:
    """Move a file or unit to ``failed_dir/<relative path>`` and write ``<final name>.error.json`` beside it.

    ``error`` is an ``IngestError.to_dict()``-like mapping: ``stage``, ``reason`` (or ``message``) and
    ``details`` are copied into the report, with the original relative path, the time and the sha256.
    ``read_content=False`` leaves the sha256 out rather than reading the file (a link to elsewhere).
    When the quarantined name differs from the original (not text, or shortened to fit), the report
    also has ``original_name`` (printable) and, for a name that is not text, ``original_name_hex``
    (its exact bytes); its ``file`` is then the printable path, so ``restore`` brings back a usable name.
    """
    path = _source_path(source)
    relative = _relative_to_root(path, root)
    wanted = failed_dir / safe_relative(relative, reserve=len(ERROR_REPORT_SUFFIX))
    sha256 = _sha_of(source)
    if _exists(path):
        if sha256 is None and read_content:
            sha256 = hash_unit(path, _files_of(path))
        target = _move_without_overwrite(path, wanted, reserve=len(ERROR_REPORT_SUFFIX))
    else:
        target = _find_moved(path, wanted, sha256, _member_names(source), reserve=len(ERROR_REPORT_SUFFIX))
    restorable = relative if path_is_text(relative) else safe_relative(relative)
    report: dict[str, Any] = {
        "file": PurePosixPath(*restorable.parts).as_posix(),
        "stage": error.get("stage", "ingest"),
        # The file's own text may reach its error; the name stays as it is (restoring needs it, and the
        # quarantined file carries it anyway).
        "reason": without_secrets(error.get("reason") or error.get("message") or ""),
        "details": without_secrets(json.loads(json.dumps(error.get("details", {}), default=str))),
        "time": now.isoformat(),
        "sha256": sha256,
    }
    if target.name != relative.name or restorable != relative:
        report["original_name"] = display(relative.name)
        report["quarantined_as"] = target.name
    if not path_is_text(relative):
        report["original_name_hex"] = raw_bytes(relative.name).hex()
    write_report_atomically(error_report_path(target), report)
    return target


def restore(quarantined: Path, failed_dir: Path, root: Path) -> Path:
    """Move a quarantined file or unit back to where it came from under ``root``; return its new path.

    The original relative path comes from its ``.error.json`` (the quarantined name may carry a
    conflict suffix). The report is removed only after the move succeeded. The restored file's mtime
    is set to now so a running watcher sees a new version and offers it again.
    """
    report_path = error_report_path(quarantined)
    report = read_report(report_path)
    relative = _restore_relative_path(quarantined, failed_dir, report)
    wanted = root / relative
    if _exists(quarantined):
        target = _move_without_overwrite(quarantined, wanted, as_named=True)
        _touch(target)
    else:
        if not report_path.exists():
            raise FileNotFoundError(
                f"Cannot restore {quarantined}: it is not in quarantine "
                f"and has no {ERROR_REPORT_SUFFIX} report either."
            )
        sha256 = report.get("sha256") if isinstance(report.get("sha256"), str) else None
        target = _find_moved(quarantined, wanted, sha256, None)
    report_path.unlink(missing_ok=True)
    return target


def numbered_name(path: Path, number: int) -> Path:
    """``run.csv`` -> ``run (1).csv``; ``RUN1.D`` -> ``RUN1 (1).D``; number 0 is the name itself."""
    if number == 0:
        return path
    return path.with_name(f"{path.stem} ({number}){path.suffix}")


def fitted_name(wanted: Path, number: int, *, reserve: int = 0) -> Path:
    """``numbered_name`` made safe (see ``ingest.file_names.safe_name``), keeping ``reserve`` units free."""
    numbered = numbered_name(wanted, number)
    return numbered.with_name(safe_name(numbered.name, reserve=reserve))


def group_folder_name(export_name: str, number: int) -> str:
    """The numbered folder an export's group goes to when a name of it is taken: ``run (1)``."""
    return safe_name(f"{PurePath(export_name).stem} ({number})")


# -- moving ------------------------------------------------------------------------------------------------


def _day_folder(archive_dir: Path, now: datetime) -> Path:
    return archive_dir / f"{now:%Y}" / f"{now:%m}" / f"{now:%d}"


def _free_group_folder(place: Path, export_name: str, names: Sequence[PurePath]) -> Path:
    """``place`` when every name of the group is free there, else the first numbered group folder that
    does not exist yet (in which every name is free)."""
    if not any(_exists(place / name) for name in names):
        return place
    number = 1
    while _exists(folder := place / group_folder_name(export_name, number)):
        number += 1
    return folder


def _find_moved_in_group(
    source: Path, place: Path, export_name: str, sha256: str | None, member_names: list[str] | None
) -> Path:
    """Where an earlier ``archive_group`` put the export: beside the others or in a group folder."""
    name = safe_name(export_name)
    existing = []
    number = 0
    while _exists(candidate := fitted_name(place / name, number)):
        existing.append(candidate)
        number += 1
    number = 1
    while _exists(folder := place / group_folder_name(export_name, number)):
        if _exists(folder / name):
            existing.append(folder / name)
        number += 1
    return _earlier_move(source, existing, f"in {display(place)}", sha256, member_names)


def _move_without_overwrite(source: Path, wanted: Path, *, reserve: int = 0, as_named: bool = False) -> Path:
    """``as_named``: ``wanted`` as it is when free (a restore to the name the drop folder held)."""
    wanted.parent.mkdir(parents=True, exist_ok=True)
    target = wanted if as_named and not _exists(wanted) else _free_name(wanted, reserve)
    try:
        os.rename(source, target)
    except OSError as exc:
        if not _is_cross_device(exc):
            raise
        _copy_then_remove(source, target)
    return target


def _copy_then_remove(source: Path, target: Path) -> None:
    partial = target.with_name(safe_name(f".{target.name}.partial"))
    if partial.is_dir() and not partial.is_symlink():
        # Left by a crash during an earlier copy; the source is still complete, so start over.
        shutil.rmtree(partial)
    elif _exists(partial):
        partial.unlink()
    is_tree = source.is_dir() and not source.is_symlink()
    if is_tree:
        shutil.copytree(source, partial, symlinks=True)
    else:
        shutil.copy2(source, partial, follow_symlinks=False)
    os.rename(partial, target)
    if is_tree:
        shutil.rmtree(source)
    else:
        source.unlink()


def _is_cross_device(exc: OSError) -> bool:
    return exc.errno == errno.EXDEV or getattr(exc, "winerror", None) == _WINDOWS_NOT_SAME_DEVICE


def _free_name(wanted: Path, reserve: int) -> Path:
    number = 0
    while True:
        candidate = fitted_name(wanted, number, reserve=reserve)
        if not _exists(candidate):
            return candidate
        number += 1


def _find_moved(
    source: Path, wanted: Path, sha256: str | None, member_names: list[str] | None, *, reserve: int = 0
) -> Path:
    """The target of a move that already happened: matched by content when the hash is known."""
    existing = []
    number = 0
    while _exists(candidate := fitted_name(wanted, number, reserve=reserve)):
        existing.append(candidate)
        number += 1
    return _earlier_move(source, existing, f"at {display(wanted)}", sha256, member_names)


def _earlier_move(
    source: Path, existing: list[Path], where: str, sha256: str | None, member_names: list[str] | None
) -> Path:
    """Of the places an earlier move may have left ``source`` (``where`` says where they were looked
    for), the one holding its content when the hash is known, else the most recent (the last)."""
    if not existing:
        raise FileNotFoundError(
            f"Cannot move {display(source)}: it does not exist, and no earlier move left it {where}."
        )
    if sha256 is not None:
        for candidate in existing:
            if _content_hash(candidate, member_names) == sha256:
                return candidate
    return existing[-1]


def _content_hash(candidate: Path, member_names: list[str] | None) -> str | None:
    try:
        if candidate.is_dir():
            members = [candidate / name for name in member_names] if member_names else _files_of(candidate)
            return hash_unit(candidate, members)
        return hash_unit(candidate, [candidate])
    except OSError:
        return None


def _touch(target: Path) -> None:
    for member in _files_of(target):
        if not member.is_symlink():  # never touch what a link points to
            os.utime(member)


# -- reports and paths -----------------------------------------------------------------------------------


def _restore_relative_path(quarantined: Path, failed_dir: Path, report: Mapping[str, Any]) -> Path:
    recorded = report.get("file")
    if isinstance(recorded, str) and recorded:
        relative = Path(*PurePosixPath(recorded).parts)
    else:
        relative = _relative_to_root(quarantined, failed_dir)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(
            f"The quarantine report of {quarantined} names {recorded!r} as its original path; "
            "expected a path relative to the watched folder."
        )
    return relative


def _relative_to_root(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        raise ValueError(
            f"{display(path)} is not inside the watched folder {display(root)}; "
            "cannot keep its relative path."
        ) from None


def _exists(path: Path) -> bool:
    """True for anything at ``path``, a dangling symbolic link included."""
    return os.path.lexists(path)


def _source_path(source: SourceFile | Path) -> Path:
    return source.path if isinstance(source, SourceFile) else Path(source)


def _sha_of(source: SourceFile | Path) -> str | None:
    return source.sha256 if isinstance(source, SourceFile) else None


def _member_names(source: SourceFile | Path) -> list[str] | None:
    if not isinstance(source, SourceFile) or source.members in ((), (source.path,)):
        return None
    return [member.relative_to(source.path).as_posix() for member in source.members]


def _files_of(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())
