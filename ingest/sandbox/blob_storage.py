"""Blob bytes on disk (never held whole in memory): single uploads, parts, and assembled blobs."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

_CHUNK = 1024 * 1024


class BlobStorage:
    """Files under ``root``: ``<id>.blob`` for finished blobs, ``<id>.parts/<n>`` for uploaded parts."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def blob_path(self, blob_id: str) -> Path:
        return self.root / f"{blob_id}.blob"

    def _parts_dir(self, blob_id: str) -> Path:
        return self.root / f"{blob_id}.parts"

    def write_blob(self, blob_id: str, data: bytes) -> None:
        self._write_atomically(self.blob_path(blob_id), data)

    def write_part(self, blob_id: str, part_number: int, data: bytes) -> None:
        directory = self._parts_dir(blob_id)
        directory.mkdir(exist_ok=True)
        self._write_atomically(directory / str(part_number), data)

    def assemble(self, blob_id: str, part_numbers: Sequence[int]) -> tuple[int, str]:
        """Concatenate the parts (in the given order) into the blob; returns (size, md5 hex)."""
        digest = hashlib.md5()
        size = 0
        target = self.blob_path(blob_id)
        temporary = target.with_suffix(".assembling")
        with temporary.open("wb") as out:
            for number in part_numbers:
                with (self._parts_dir(blob_id) / str(number)).open("rb") as part:
                    while chunk := part.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        temporary.replace(target)
        self.discard_parts(blob_id)
        return size, digest.hexdigest()

    def discard_parts(self, blob_id: str) -> None:
        shutil.rmtree(self._parts_dir(blob_id), ignore_errors=True)

    def iter_bytes(self, blob_id: str) -> Iterator[bytes]:
        with self.blob_path(blob_id).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk

    def read(self, blob_id: str) -> bytes:
        return self.blob_path(blob_id).read_bytes()

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
