"""The one pattern language for folder listings: watch ``--include``/``--exclude``, reprocess ``--glob``.

A pattern is a glob matched against a path relative to the watched (or reprocessed) folder, with ``/``
between folders, on every platform:

- matching ignores case (instrument PCs write ``RUN1.D`` and ``Report.CSV`` as readily as lower case,
  and a Windows share does not tell them apart);
- a pattern without ``/`` matches the name at any depth (``*.csv``, ``~$*``);
- a pattern with ``/`` matches the whole relative path: ``*`` and ``?`` stay within one folder name,
  ``**`` matches any number of folders, none included (``2024/**/*.csv``);
- ``\\`` in a pattern is taken as a folder separator, as Windows users write it;
- ``*`` also matches names starting with a dot.

An excluded folder hides everything below it (``.*`` hides hidden folders and their files). Done markers
(``X<marker>`` beside ``X``) are never candidates themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from wcmatch import glob

#: In-progress names written by Office, browsers and copy tools, hidden files, and our own error reports.
DEFAULT_EXCLUDES: tuple[str, ...] = ("~$*", "*.tmp", "*.part", "*.crdownload", ".*", "*.error.json")

_FLAGS = glob.GLOBSTAR | glob.IGNORECASE | glob.MATCHBASE | glob.DOTGLOB | glob.FORCEUNIX


class Patterns:
    """A compiled set of patterns; ``matches(relative)`` is True when any of them matches."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        normalized = [p.replace("\\", "/") for p in self.patterns]
        self._matcher = glob.compile(normalized, flags=_FLAGS) if normalized else None

    def matches(self, relative: PurePath) -> bool:
        return self._matcher is not None and bool(self._matcher.match(relative.as_posix()))

    def matches_or_is_below_match(self, relative: PurePath) -> bool:
        """True when ``relative`` or one of the folders above it matches."""
        if self._matcher is None:
            return False
        parts = relative.parts
        return any(self._matcher.match("/".join(parts[: i + 1])) for i in range(len(parts)))


def glob_matches(pattern: str, relative: PurePath) -> bool:
    """True when ``pattern`` matches ``relative`` (see the module docstring for the rules)."""
    return Patterns([pattern]).matches(relative)


@dataclass(frozen=True)
class PathFilter:
    """Decides whether a relative path is a candidate and whether it is a done marker."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    done_marker: str | None = None
    _include: Patterns = field(init=False, repr=False, compare=False)
    _exclude: Patterns = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_include", Patterns(self.include))
        object.__setattr__(self, "_exclude", Patterns(self.exclude))

    def is_excluded(self, relative: PurePath) -> bool:
        """True for paths an exclude pattern hides, directly or through a folder above them."""
        return self._exclude.matches_or_is_below_match(relative)

    def is_marker(self, relative: PurePath) -> bool:
        """True for done-marker files, which are never candidates themselves."""
        marker = self.done_marker
        return bool(marker) and relative.name.lower().endswith(str(marker).lower())

    def is_candidate(self, relative: PurePath) -> bool:
        """True when a file or unit at ``relative`` should be taken."""
        if self.is_excluded(relative) or self.is_marker(relative):
            return False
        return not self.include or self._include.matches(relative)

    def marker_for(self, name: str) -> str | None:
        """The done-marker file name that must exist beside ``name``, or None when markers are off."""
        return f"{name}{self.done_marker}" if self.done_marker else None
