"""Content pinned by verification, not by copying: what is sent and archived is the version that was read.

When a file is planned, the export and every attachment file the plan uploads are hashed and the hashes
stored in the plan (:class:`~ingest.models.ContentPin`); the export's must still be the hash it was
admitted with. They are hashed again after the blobs are uploaded and before the run is created (a
change means no run: the attempt is given up), and again before the files are archived (a change means
they stay where they are: the new content is ingested as a new version).

A folder unit is pinned over every file in it, as its blob is a zip of every file in it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from ingest.errors import ContentChangedError
from ingest.hashing import hash_unit
from ingest.models import ContentPin, RunPlan


def content_hash(path: Path) -> str | None:
    """The sha256 of a file, or of a folder unit over all its files; None when it cannot be read."""
    try:
        if path.is_dir():
            return hash_unit(path, sorted(p for p in path.rglob("*") if p.is_file()))
        return hash_unit(path, [path])
    except OSError:
        return None


def pin_plan(
    plan: RunPlan,
    *,
    export: Path,
    admitted_sha256: str,
    members: Sequence[Path] | None,
    work_dir: Path,
) -> RunPlan:
    """The plan with the export and its attachment files pinned; ContentChangedError when the export
    no longer hashes to ``admitted_sha256`` (``members``: the unit's files as admitted, when known)."""
    export_hash = content_hash(export)
    if export.is_dir():
        # A unit's admitted hash covers its members as the watcher saw them (its filters may leave some
        # files out); unknown members (a resumed row) leave only the pin taken now to compare with later.
        admitted_now = _unit_hash(export, members) if members else admitted_sha256
    else:
        admitted_now = export_hash
    if export_hash is None or admitted_now != admitted_sha256:
        raise ContentChangedError(
            f"File '{export}' changed after it was found (sha256 {admitted_sha256} when admitted, "
            f"{admitted_now or 'unreadable'} now); nothing was sent. Its new content is ingested as a new "
            "version once it stops changing (watch takes it; with run, run it again).",
            changed=[export],
            export_changed=True,
        )
    pins = [ContentPin(export, export_hash)]
    for blob in plan.blobs:
        path = blob.path
        if path is None or path == export or path.is_relative_to(work_dir):
            continue
        if path not in {pin.path for pin in pins}:
            digest = content_hash(path)
            if digest is not None:
                pins.append(ContentPin(path, digest))
    return replace(plan, pins=tuple(pins))


def _unit_hash(folder: Path, members: Sequence[Path]) -> str | None:
    try:
        return hash_unit(folder, members)
    except OSError:
        return None


def changed_pins(
    plan: RunPlan, *, only: Collection[Path] | None = None, missing_is_change: bool
) -> list[Path]:
    """The pinned paths (of ``only``, when given) whose content differs from their pin now."""
    changed = []
    for pin in plan.pins:
        if only is not None and pin.path not in only:
            continue
        if not pin.path.exists():
            if missing_is_change:
                changed.append(pin.path)
            continue
        if content_hash(pin.path) != pin.sha256:
            changed.append(pin.path)
    return changed


def export_unchanged(export: Path, sha256: str, plan: RunPlan | None) -> bool:
    """Whether the export at its path (if it is still there) is the content that was ingested: its pin,
    or for a plain file (a duplicate has no plan) its admitted hash."""
    if not export.exists():
        return True  # moved already (an interrupted move is completed by content) or gone
    pinned = next((pin.sha256 for pin in plan.pins if pin.path == export), None) if plan else None
    if pinned is not None:
        return content_hash(export) == pinned
    return export.is_dir() or content_hash(export) == sha256


def check_before_run(plan: RunPlan, export: Path) -> None:
    """Raise ContentChangedError when anything the plan was made from has changed since (or is gone)."""
    changed = changed_pins(plan, missing_is_change=True)
    if not changed:
        return
    names = ", ".join(f"'{p}'" for p in changed)
    if export in changed:
        raise ContentChangedError(
            f"File '{export}' changed while it was being ingested (after its blobs were uploaded, before "
            "its run was created); nothing was created. Its new content is ingested as a new version "
            "once it stops changing (watch takes it; with run, run it again).",
            changed=changed,
            export_changed=True,
        )
    raise ContentChangedError(
        f"Attachment(s) {names} of '{export}' changed while the file was being ingested (after the "
        "blobs were uploaded, before the run was created); nothing was created. The file is planned "
        "again once they stop changing.",
        changed=changed,
        export_changed=False,
    )


def attachment_copies(duplicate: Path, original: Path, plan: RunPlan | None) -> list[Path]:
    """The files beside a duplicate export that are its own copies of the original's attachments: at
    the same place relative to it as each attachment the original's plan pinned is to the original, with
    the pinned content (a trace file copied along with its export). The original's own files are not."""
    if plan is None:
        return []
    copies = []
    for pin in plan.pins:
        if pin.path == original:
            continue
        try:
            relative = pin.path.relative_to(original.parent)
        except ValueError:
            continue  # named from elsewhere (another folder): the copy names the same file
        copy = duplicate.parent / relative
        if copy != pin.path and copy.is_file() and content_hash(copy) == pin.sha256:
            copies.append(copy)
    return sorted(copies)
