"""Which relative paths under a watched root are candidates: include/exclude globs and done markers.

Matching is case-insensitive on every platform: instrument PCs write ``RUN1.D`` and ``Report.CSV``
as readily as lower case, and a Windows share does not distinguish them. A glob without ``/`` is
matched against every component of the relative path (so ``.*`` also hides files inside hidden
folders and ``*.tmp`` matches at any depth); a glob with ``/`` is matched against the whole relative
path (``**/`` may also match nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePath

#: In-progress names written by Office, browsers and copy tools, hidden files, and our own error reports.
DEFAULT_EXCLUDES: tuple[str, ...] = ("~$*", "*.tmp", "*.part", "*.crdownload", ".*", "*.error.json")


def glob_matches(pattern: str, relative: PurePath) -> bool:
    """True when ``pattern`` matches ``relative`` (see the module docstring for the rules)."""
    lowered = pattern.lower()
    if "/" not in lowered:
        return any(fnmatchcase(part.lower(), lowered) for part in relative.parts)
    text = relative.as_posix().lower()
    if fnmatchcase(text, lowered):
        return True
    return lowered.startswith("**/") and fnmatchcase(text, lowered[3:])


@dataclass(frozen=True)
class PathFilter:
    """Decides whether a relative path is a candidate and whether it is a done marker."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    done_marker: str | None = None

    def is_excluded(self, relative: PurePath) -> bool:
        """True for paths hidden by an exclude glob (checked for folders while walking, too)."""
        return any(glob_matches(pattern, relative) for pattern in self.exclude)

    def is_marker(self, relative: PurePath) -> bool:
        """True for done-marker files, which are never candidates themselves."""
        marker = self.done_marker
        return bool(marker) and relative.name.lower().endswith(str(marker).lower())

    def is_candidate(self, relative: PurePath) -> bool:
        """True when a file or unit at ``relative`` should be watched."""
        if self.is_excluded(relative) or self.is_marker(relative):
            return False
        if not self.include:
            return True
        return any(_include_matches(pattern, relative) for pattern in self.include)

    def marker_for(self, name: str) -> str | None:
        """The done-marker file name that must exist beside ``name``, or None when markers are off."""
        return f"{name}{self.done_marker}" if self.done_marker else None


def _include_matches(pattern: str, relative: PurePath) -> bool:
    # Include globs without "/" look at the file (or unit) name only: "*.csv" must not admit every file
    # below a folder that happens to be called "x.csv".
    if "/" not in pattern:
        return fnmatchcase(relative.name.lower(), pattern.lower())
    return glob_matches(pattern, relative)
