"""The one folder walker: the files and folder units under a root that are candidates, with their stats.

The watcher lists its roots with :func:`list_root`; reprocess and the demo list a folder's exports with
:func:`list_exports`. Both use the pattern language of ``watch.patterns``.

A listing does no waiting and no hashing. Errors never escape ``list_root``: a root that cannot be
listed (missing, share unreachable) comes back as unavailable, and a sub-folder that cannot be read
marks the listing incomplete, so the caller knows not to treat missing entries as gone.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from ingest.errors import ConfigError
from ingest.watch.patterns import DEFAULT_EXCLUDES, PathFilter
from ingest.watch.rejections import link_target_taken, rejection_of

log = logging.getLogger(__name__)

#: (name relative to the candidate, size, mtime_ns) of every file making up a candidate.
Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Candidate:
    """A file or folder unit found by a listing.

    ``members`` are the files a SourceFile will carry (the file itself for single files). ``signature``
    covers every file inside a unit, excluded ones too, so a unit with a temp file still being written
    is not settled. ``size`` is the members' total and ``mtime_ns`` their newest mtime.
    """

    root: Path
    path: Path
    relative: PurePath
    members: tuple[Path, ...]
    signature: Signature
    size: int
    mtime_ns: int
    is_unit: bool
    marker_present: bool


@dataclass(frozen=True)
class RootListing:
    """What one root looked like: ``available`` False when it could not be listed at all."""

    root: Path
    available: bool
    complete: bool
    candidates: tuple[Candidate, ...] = ()
    problem: str | None = None


def list_root(
    root: Path,
    path_filter: PathFilter,
    unit_suffixes: Sequence[str],
    *,
    recursive: bool,
    skip: Sequence[Path] = (),
) -> RootListing:
    """List the candidates under ``root`` (never raises for file-system errors); folders in ``skip``
    are not entered."""
    suffixes = tuple(suffix.lower() for suffix in unit_suffixes)
    walker = _Walker(root, path_filter, suffixes, recursive, frozenset(_same_folder_key(p) for p in skip))
    try:
        entries = _scan_dir(root)
    except OSError as exc:
        return RootListing(root, available=False, complete=False, problem=_describe(exc))
    candidates = walker.walk(root, PurePath(), entries)
    ordered = tuple(sorted(candidates, key=lambda c: c.relative.as_posix()))
    return RootListing(root, available=True, complete=walker.complete, candidates=ordered)


def list_exports(
    root: Path,
    *,
    include: Sequence[str] = (),
    unit_suffixes: Sequence[str] = (".d",),
    is_export: Callable[[Path], bool],
) -> list[Candidate]:
    """Exports under ``root`` (every depth), in relative-path order: files and folder units that match
    ``include`` (all when empty), are not hidden by the default excludes, and ``is_export`` accepts.
    Files the watch stage would refuse (a name that is not text, a link to outside ``root``) are left
    out with a warning, unread, and so are links to another export listed here (taken by its own name).

    Raises ConfigError when ``root`` cannot be listed.
    """
    path_filter = PathFilter(include=tuple(include), exclude=DEFAULT_EXCLUDES)
    listing = list_root(root, path_filter, unit_suffixes, recursive=True)
    if not listing.available:
        raise ConfigError(
            f"Folder '{root}' cannot be listed ({listing.problem}). Expected a readable folder.",
            file=root,
        )
    listed = {c.relative for c in listing.candidates}
    exports = []
    for candidate in listing.candidates:
        rejection = rejection_of(candidate)
        if rejection is not None:
            log.warning("Skipping %s: %s", rejection.shown, rejection.reason)
        elif link_target_taken(candidate, listed) is None and is_export(candidate.path):
            exports.append(candidate)
    return exports


class _Walker:
    def __init__(
        self,
        root: Path,
        path_filter: PathFilter,
        suffixes: tuple[str, ...],
        recursive: bool,
        skip: frozenset[str] = frozenset(),
    ):
        self.root = root
        self.filter = path_filter
        self.suffixes = suffixes
        self.recursive = recursive
        self.skip = skip
        self.complete = True

    def walk(self, folder: Path, relative: PurePath, entries: list[os.DirEntry[str]]) -> list[Candidate]:
        found: list[Candidate] = []
        file_names = {entry.name.lower() for entry in entries if _is_file(entry)}
        for entry in entries:
            entry_relative = relative / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                self.complete = False
                continue
            if is_dir and self.skip and _same_folder_key(Path(entry.path)) in self.skip:
                continue
            marker = self.filter.marker_for(entry.name)
            marker_present = marker is None or marker.lower() in file_names
            if is_dir and entry.name.lower().endswith(self.suffixes) and self.suffixes:
                if self.filter.is_candidate(entry_relative):
                    unit = self._unit(Path(entry.path), entry_relative, marker_present)
                    if unit is not None:
                        found.append(unit)
            elif is_dir:
                if self.recursive and not self.filter.is_excluded(entry_relative):
                    found.extend(self._descend(Path(entry.path), entry_relative))
            elif _is_file(entry) and self.filter.is_candidate(entry_relative):
                single = self._single(entry, entry_relative, marker_present)
                if single is not None:
                    found.append(single)
            elif _leads_nowhere(entry) and self.filter.is_candidate(entry_relative):
                # Listed as the link itself, to be refused with its reason rather than left unseen.
                single = self._single(entry, entry_relative, marker_present, follow_symlinks=False)
                if single is not None:
                    found.append(single)
        return found

    def _descend(self, folder: Path, relative: PurePath) -> list[Candidate]:
        try:
            entries = _scan_dir(folder)
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.debug("Cannot list folder %s: %s", folder, _describe(exc))
            self.complete = False
            return []
        return self.walk(folder, relative, entries)

    def _single(
        self,
        entry: os.DirEntry[str],
        relative: PurePath,
        marker_present: bool,
        *,
        follow_symlinks: bool = True,
    ) -> Candidate | None:
        try:
            stat = entry.stat(follow_symlinks=follow_symlinks)
        except FileNotFoundError:
            return None
        except OSError:
            self.complete = False
            return None
        path = Path(entry.path)
        return Candidate(
            root=self.root,
            path=path,
            relative=relative,
            members=(path,),
            signature=((".", stat.st_size, stat.st_mtime_ns),),
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            is_unit=False,
            marker_present=marker_present,
        )

    def _unit(self, folder: Path, relative: PurePath, marker_present: bool) -> Candidate | None:
        signature: list[tuple[str, int, int]] = []
        members: list[Path] = []
        size = 0
        newest = 0
        try:
            for file_path, stat in _walk_files(folder):
                inner = PurePath(file_path.relative_to(folder).as_posix())
                signature.append((inner.as_posix(), stat.st_size, stat.st_mtime_ns))
                if self.filter.is_excluded(relative / inner):
                    continue
                members.append(file_path)
                size += stat.st_size
                newest = max(newest, stat.st_mtime_ns)
        except OSError as exc:
            log.debug("Cannot list unit %s: %s", folder, _describe(exc))
            self.complete = False
            return None
        if not members:
            return None
        return Candidate(
            root=self.root,
            path=folder,
            relative=relative,
            members=tuple(sorted(members)),
            signature=tuple(sorted(signature)),
            size=size,
            mtime_ns=newest,
            is_unit=True,
            marker_present=marker_present,
        )


def _walk_files(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    for entry in _scan_dir(folder):
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_files(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path), entry.stat()


def _scan_dir(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as iterator:
        return list(iterator)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _leads_nowhere(entry: os.DirEntry[str]) -> bool:
    """A symbolic link whose target does not exist or that links back to itself (a loop)."""
    try:
        return entry.is_symlink() and not os.path.exists(entry.path)
    except OSError:
        return False


def _describe(exc: OSError) -> str:
    return f"{type(exc).__name__}: {exc.strerror or exc}"


def _same_folder_key(path: Path) -> str:
    """One spelling per folder: absolute, normalised, case-folded where the platform ignores case."""
    return os.path.normcase(os.path.abspath(path))
