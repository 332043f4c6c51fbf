"""A SourceFile for a path named on the command line (the watcher makes its own)."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.errors import ParseError
from ingest.file_names import display, path_is_text
from ingest.hashing import hash_unit
from ingest.models import SourceFile


def describe_path(path: Path) -> SourceFile:
    """Size, newest mtime and content hash of a file or folder unit; a missing path, or one whose name
    is not text (it could not be recorded), is a ParseError. The path is made absolute with ``..``
    folded away, so one file named from two working directories is one ledger path."""
    path = Path(os.path.abspath(path))
    if not path_is_text(path):
        raise ParseError(
            f"The file name '{display(path)}' is not valid UTF-8 text (the bytes shown as \\xNN); expected "
            "a name that is text. Rename it and try again.",
            file=display(path),
        )
    if path.is_dir():
        members = tuple(sorted(p for p in path.rglob("*") if p.is_file()))
    elif path.is_file():
        members = (path,)
    else:
        raise ParseError(
            f"File '{path}' does not exist. Expected an export file or a folder unit.", file=path
        )
    bad_member = next((m for m in members if not path_is_text(m)), None)
    if bad_member is not None:
        raise ParseError(
            f"The folder unit '{display(path)}' holds a file named '{display(bad_member.name)}', which is "
            "not valid UTF-8 text; expected file names that are text. Rename it and try again.",
            file=display(path),
        )
    stats = [m.stat() for m in members]
    return SourceFile(
        path=path,
        sha256=hash_unit(path, members),
        size=sum(s.st_size for s in stats),
        mtime_ns=max((s.st_mtime_ns for s in stats), default=path.stat().st_mtime_ns),
        members=members,
    )
