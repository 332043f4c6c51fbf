"""The watch stage: files dropped into folders, taken once they stop changing, hashed -> SourceFile.

``patterns`` is the one pattern language (watch ``--include``/``--exclude``, reprocess ``--glob``) and
``listing`` the one folder walker (the watcher, reprocess and the demo all list folders with it).
"""

from __future__ import annotations

from ingest.watch.listing import Candidate, list_exports
from ingest.watch.options import WatchOptions
from ingest.watch.patterns import DEFAULT_EXCLUDES, PathFilter
from ingest.watch.rejections import Rejection
from ingest.watch.source_file import describe_path
from ingest.watch.watcher import FolderWatcher

__all__ = [
    "DEFAULT_EXCLUDES",
    "Candidate",
    "FolderWatcher",
    "PathFilter",
    "Rejection",
    "WatchOptions",
    "describe_path",
    "list_exports",
]
