"""A SourceFile for a path named on the command line (the watcher makes its own)."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ParseError
from ingest.hashing import hash_unit
from ingest.models import SourceFile


def describe_path(path: Path) -> SourceFile:
    """Size, newest mtime and content hash of a file or folder unit; a missing path is a ParseError."""
    path = path.absolute()
    if path.is_dir():
        members = tuple(sorted(p for p in path.rglob("*") if p.is_file()))
    elif path.is_file():
        members = (path,)
    else:
        raise ParseError(
            f"File '{path}' does not exist. Expected an export file or a folder unit.", file=path
        )
    stats = [m.stat() for m in members]
    return SourceFile(
        path=path,
        sha256=hash_unit(path, members),
        size=sum(s.st_size for s in stats),
        mtime_ns=max((s.st_mtime_ns for s in stats), default=path.stat().st_mtime_ns),
        members=members,
    )
