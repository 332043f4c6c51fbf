"""The filing stage: moving processed files out of the drop folder (archive, quarantine, restore)."""

from __future__ import annotations

from ingest.filing.error_reports import error_report_path, quarantine_reports
from ingest.filing.moves import archive, archive_group, quarantine, restore
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
