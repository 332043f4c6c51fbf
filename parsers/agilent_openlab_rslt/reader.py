"""An OpenLab CDS result set on disk -> its members by name, and the packages nested in them.

OpenLab stores a result set as a folder named ``<sequence>.rslt``; copied off the data system it is
often zipped, sometimes with the folder inside the zip and macOS resource forks beside it. Both are
read the same way: members are named relative to the result set's folder. ``.dx`` and ``.rx`` members
are themselves zip packages (Open Packaging Conventions).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ParseError
from parsers.agilent_openlab_rslt import constants as c


@dataclass(frozen=True)
class ResultSetFiles:
    """The members of a result set: name (relative, with '/') -> bytes."""

    source: Path
    members: dict[str, bytes]

    def named(self, suffix: str) -> list[str]:
        return sorted(name for name in self.members if name.lower().endswith(suffix))


def _ignored(name: str) -> bool:
    return name.startswith(c.IGNORED_PREFIXES) or name.rsplit("/", 1)[-1].startswith(c.IGNORED_NAME_PREFIX)


def looks_like_result_set(head: bytes, path: Path) -> bool:
    """A folder holding an ``.acaml`` document, or a zip whose members include one (never raises)."""
    try:
        if path.is_dir():
            return any(p.suffix.lower() == c.ACAML_SUFFIX for p in path.iterdir() if p.is_file())
        if not head.startswith(b"PK\x03\x04"):
            return False
        with zipfile.ZipFile(path) as archive:
            return any(
                name.lower().endswith(c.ACAML_SUFFIX) and not _ignored(name) for name in archive.namelist()
            )
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _check_size(name: str, size: int, file: Path) -> None:
    if size > c.MAX_MEMBER_BYTES:
        raise ParseError(
            f"Member '{name}' of '{file}' is {size} bytes uncompressed. Expected at most "
            f"{c.MAX_MEMBER_BYTES} bytes for one file of a result set.",
            file=file,
        )


def _from_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir() and not _ignored(info.filename)]
            for info in infos:
                _check_size(info.filename, info.file_size, path)
            members = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise ParseError(
            f"'{path}' could not be read as a zipped result set: {exc}. Expected a zip of an OpenLab "
            "'.rslt' folder.",
            file=path,
        ) from exc
    # A zip of the folder puts every member under "<name>.rslt/": name members relative to it.
    roots = {name.split("/", 1)[0] for name in members if "/" in name}
    if len(roots) == 1 and all("/" in name for name in members):
        root = roots.pop() + "/"
        members = {name[len(root) :]: data for name, data in members.items()}
    return members


def _from_folder(path: Path) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    try:
        for item in sorted(path.rglob("*")):
            if item.is_file():
                name = item.relative_to(path).as_posix()
                if _ignored(name):
                    continue
                _check_size(name, item.stat().st_size, path)
                members[name] = item.read_bytes()
    except OSError as exc:
        raise ParseError(f"Result set folder '{path}' could not be read: {exc.strerror}.", file=path) from exc
    return members


def read_result_set(path: Path) -> ResultSetFiles:
    """The result set's members; ParseError when it cannot be read or holds no ``.acaml`` document."""
    if not path.exists():
        raise ParseError(f"Result set '{path}' does not exist.", file=path)
    members = _from_folder(path) if path.is_dir() else _from_zip(path)
    return ResultSetFiles(path, members)


def package_members(data: bytes, *, name: str, file: Path) -> dict[str, bytes]:
    """The members of a nested package (``.dx``/``.rx``) by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            for info in infos:
                _check_size(f"{name}/{info.filename}", info.file_size, file)
            return {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ParseError(
            f"Member '{name}' of '{file}' could not be opened: {exc}. Expected an OpenLab package (a zip).",
            file=file,
        ) from exc
