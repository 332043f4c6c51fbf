"""Content hashes of watched files and folder units.

The hash identifies content, not location: a single file hashes to the sha256 of its bytes (what
``sha256sum`` prints), and a folder unit hashes over its members' names relative to the unit folder
plus their bytes, so the same export dropped under another name hashes the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

CHUNK_BYTES = 1024 * 1024


def hash_unit(path: Path, members: Sequence[Path]) -> str:
    """Return the hex sha256 of a file, or of a folder unit's members.

    ``path`` is the file itself or the unit folder; ``members`` are the files that make up the unit
    (empty, or just ``path``, for a single file). Files are streamed in 1 MiB chunks. For a unit each
    member contributes its relative name (posix form), its size and then its bytes, in sorted name order,
    so no two different layouts can feed the hash the same byte stream.
    """
    digest = hashlib.sha256()
    if not members or (len(members) == 1 and Path(members[0]) == Path(path)):
        _feed_file(digest, Path(path))
        return digest.hexdigest()
    named = sorted((Path(member).relative_to(path).as_posix(), Path(member)) for member in members)
    for relative_name, member in named:
        name_bytes = relative_name.encode("utf-8")
        digest.update(len(name_bytes).to_bytes(8, "big"))
        digest.update(name_bytes)
        digest.update(member.stat().st_size.to_bytes(8, "big"))
        _feed_file(digest, member)
    return digest.hexdigest()


def _feed_file(digest: hashlib._Hash, path: Path) -> None:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
