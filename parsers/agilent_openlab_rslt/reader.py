"""An OpenLab CDS result set on disk -> its members by name, read on demand, and the packages nested in them.

OpenLab stores a result set as a folder named ``<sequence>.rslt``; copied off the data system it is
often zipped, sometimes with the folder inside the zip and macOS resource forks beside it. Both are
read the same way: members are named relative to the result set's folder. ``.dx`` and ``.rx`` members
are themselves zip packages (Open Packaging Conventions); a ``.dx`` may hold large spectra besides its
signals, so members are listed first and only those asked for are read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ingest.errors import ParseError
from parsers.agilent_openlab_rslt import constants as c

_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError)


def _ignored(name: str) -> bool:
    return name.startswith(c.IGNORED_PREFIXES) or name.rsplit("/", 1)[-1].startswith(c.IGNORED_NAME_PREFIX)


@dataclass(frozen=True)
class ResultSetFiles:
    """The members of a result set: name (relative, with '/') -> the path or zip entry holding it."""

    source: Path
    names: dict[str, str]  # member name -> path inside the folder, or entry name inside the zip
    zipped: bool

    def named(self, suffix: str) -> list[str]:
        return sorted(name for name in self.names if name.lower().endswith(suffix))

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """A binary stream of one member (seekable, as nested zips need)."""
        try:
            if not self.zipped:
                with (self.source / self.names[name]).open("rb") as stream:
                    yield stream
                return
            with zipfile.ZipFile(self.source) as archive:
                info = archive.getinfo(self.names[name])
                _check_size(name, info.file_size, self.source)
                with archive.open(info) as stream:
                    yield stream
        except OSError as exc:
            raise ParseError(
                f"Member '{name}' of '{self.source}' could not be read: {exc}.", file=self.source
            ) from exc
        except _ZIP_ERRORS as exc:
            raise ParseError(
                f"Member '{name}' of '{self.source}' could not be read from the zip: {exc}.", file=self.source
            ) from exc

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            if not self.zipped:
                _check_size(name, (self.source / self.names[name]).stat().st_size, self.source)
            return stream.read()

    def package_members(self, name: str, wanted: Callable[[str], bool]) -> dict[str, bytes]:
        """The members of the nested package ``name`` (``.dx``/``.rx``) whose names ``wanted`` accepts."""
        with self.open(name) as stream:
            try:
                with zipfile.ZipFile(stream) as archive:
                    infos = [i for i in archive.infolist() if not i.is_dir() and wanted(i.filename)]
                    for info in infos:
                        _check_size(f"{name}/{info.filename}", info.file_size, self.source)
                    return {info.filename: archive.read(info) for info in infos}
            except _ZIP_ERRORS as exc:
                raise ParseError(
                    f"Member '{name}' of '{self.source}' could not be opened: {exc}. Expected an OpenLab "
                    "package (a zip).",
                    file=self.source,
                ) from exc


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
    except (OSError, *_ZIP_ERRORS):
        return False


def _check_size(name: str, size: int, file: Path) -> None:
    if size > c.MAX_MEMBER_BYTES:
        raise ParseError(
            f"Member '{name}' of '{file}' is {size} bytes uncompressed. Expected at most "
            f"{c.MAX_MEMBER_BYTES} bytes for one file of a result set.",
            file=file,
        )


def _zip_names(path: Path) -> dict[str, str]:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [i.filename for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
    except (OSError, *_ZIP_ERRORS) as exc:
        raise ParseError(
            f"'{path}' could not be read as a zipped result set: {exc}. Expected a zip of an OpenLab "
            "'.rslt' folder.",
            file=path,
        ) from exc
    # A zip of the folder puts every member under "<name>.rslt/": name members relative to it.
    roots = {entry.split("/", 1)[0] for entry in entries}
    if len(roots) == 1 and all("/" in entry for entry in entries):
        root = roots.pop() + "/"
        return {entry[len(root) :]: entry for entry in entries}
    return {entry: entry for entry in entries}


def _folder_names(path: Path) -> dict[str, str]:
    try:
        items = sorted(p for p in path.rglob("*") if p.is_file())
    except OSError as exc:
        raise ParseError(f"Result set folder '{path}' could not be read: {exc.strerror}.", file=path) from exc
    names = (item.relative_to(path).as_posix() for item in items)
    return {name: name for name in names if not _ignored(name)}


def read_result_set(path: Path) -> ResultSetFiles:
    """The result set's member list; ParseError when it cannot be read."""
    if not path.exists():
        raise ParseError(f"Result set '{path}' does not exist.", file=path)
    if path.is_dir():
        return ResultSetFiles(path, _folder_names(path), zipped=False)
    return ResultSetFiles(path, _zip_names(path), zipped=True)
