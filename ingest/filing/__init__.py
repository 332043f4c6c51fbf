"""The filing stage: moving processed files out of the drop folder (archive, quarantine, restore)."""

from __future__ import annotations

from ingest.filing.moves import (
    archive,
    archive_group,
    error_report_path,
    quarantine,
    quarantine_reports,
    restore,
)
from ingest.filing.options import FilingOptions

__all__ = [
    "FilingOptions",
    "archive",
    "archive_group",
    "error_report_path",
    "quarantine",
    "quarantine_reports",
    "restore",
]
