"""Candidates the watch stage will not hand on, and why: names that are not text, exports that resolve
(symlink, junction, ``..``) to somewhere outside the folder they were dropped in, and links that lead
nowhere (a loop, a target gone). And links that are only a second name for a file the watcher takes under
its own name (skipped, not rejected).

A name that is not valid text cannot be stored in the ledger or a report, so it is refused before the
ledger is even asked about it. A file that resolves outside its watched folder is refused without being
read: it may be anything (another user's data, a device, a FIFO that never ends), just as an attachment
that leaves its export's folder is refused.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Literal

from ingest.file_names import display, path_is_text

if TYPE_CHECKING:  # the listing imports this module to filter its exports
    from ingest.watch.listing import Candidate

RejectionKind = Literal["name", "outside", "broken_link"]


@dataclass(frozen=True)
class Rejection:
    """A candidate refused by the watch stage: ``reason`` is a full sentence for its error report."""

    root: Path
    path: Path
    relative: PurePath
    kind: RejectionKind
    reason: str

    @property
    def shown(self) -> str:
        """The path relative to its watched folder, printable on one line."""
        return display(self.relative)


def name_rejection(candidate: Candidate) -> Rejection | None:
    """A Rejection when the candidate's path, or a member of its folder unit, is not valid text."""
    inner = [m.relative_to(candidate.path) for m in candidate.members if m != candidate.path]
    bad_member = next((m for m in inner if not path_is_text(m)), None)
    if path_is_text(candidate.relative) and bad_member is None:
        return None
    if bad_member is not None and path_is_text(candidate.relative):
        reason = (
            f"The folder unit '{display(candidate.relative)}' holds a file named '{display(bad_member)}', "
            "which is not valid UTF-8 text; expected file names that are text. Rename it and drop the "
            "unit again."
        )
    else:
        reason = (
            f"The file name '{display(candidate.relative)}' is not valid UTF-8 text (the bytes shown as "
            "\\xNN); expected a name that is text. Rename it and drop it again."
        )
    return Rejection(candidate.root, candidate.path, candidate.relative, "name", reason)


def rejection_of(candidate: Candidate) -> Rejection | None:
    """The first reason to refuse ``candidate`` (its name, then where it resolves), or None."""
    return name_rejection(candidate) or location_rejection(candidate)


def location_rejection(candidate: Candidate) -> Rejection | None:
    """A Rejection when the candidate (or any member of a unit) resolves outside its watched folder, or is
    a link that leads nowhere."""
    root = Path(os.path.realpath(candidate.root))
    for member in (candidate.path, *candidate.members):
        what = "It" if member == candidate.path else f"Its member '{display(member.name)}'"
        if os.path.islink(member) and not os.path.exists(member):
            kind: RejectionKind = "broken_link"
            reason = (
                f"'{display(candidate.relative)}' is a symbolic link that leads nowhere: {what} points to "
                f"'{display(_link_target(member))}', which does not exist or links back to itself. "
                "Expected a file; replace the link by the export it should name and drop it again."
            )
        else:
            resolved = Path(os.path.realpath(member))
            if resolved == root or root in resolved.parents:
                continue
            kind = "outside"
            reason = (
                f"'{display(candidate.relative)}' resolves outside its watched folder '{display(root)}': "
                f"{what} points to '{display(resolved)}'. Expected exports that lie inside the folder they "
                "are dropped in (symbolic links and junctions to other places are not followed)."
            )
        return Rejection(candidate.root, candidate.path, candidate.relative, kind, reason)
    return None


def _link_target(link: Path) -> Path:
    try:
        return Path(os.readlink(link))
    except OSError:  # gone or replaced since it was looked at
        return link


def link_target_taken(candidate: Candidate, listed: Collection[PurePath]) -> PurePath | None:
    """For a link to another candidate of the same listing (``listed``: their relative paths), that
    candidate's relative path: the file is taken under its own name, and taking it twice at once could
    archive it from under the link. None for anything else (a link to an excluded file is taken)."""
    if not os.path.islink(candidate.path):
        return None
    resolved = Path(os.path.realpath(candidate.path))
    try:
        target = PurePath(resolved.relative_to(os.path.realpath(candidate.root)))
    except ValueError:
        return None
    return target if target != candidate.relative and target in listed else None
