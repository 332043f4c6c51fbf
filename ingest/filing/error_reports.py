"""The quarantine's failure reports: ``<name>.error.json`` beside each quarantined file or unit, written
atomically (a crash leaves the old report or the new one, never half of one) and read back by ``retry``."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ERROR_REPORT_SUFFIX = ".error.json"


def quarantine_reports(failed_dir: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every ``(quarantined path, report)`` under ``failed_dir`` whose report can be read."""
    for report_path in sorted(failed_dir.rglob(f"*{ERROR_REPORT_SUFFIX}")):
        try:
            report = read_report(report_path)
        except ValueError:
            continue
        yield report_path.with_name(report_path.name.removesuffix(ERROR_REPORT_SUFFIX)), report


def error_report_path(target: Path) -> Path:
    """Where the failure report of a quarantined file or unit lives: ``<name>.error.json`` beside it."""
    return target.with_name(target.name + ERROR_REPORT_SUFFIX)


def write_report_atomically(path: Path, value: Mapping[str, Any]) -> None:
    """Write ``value`` as the JSON report at ``path``, replacing any report there in one rename."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"
    # A fixed short prefix: the report's own name may already be close to the file-name limit.
    handle, temp_name = tempfile.mkstemp(prefix=".error-report-", suffix=".tmp", dir=path.parent)
    try:
        # A value that is not text (a lone surrogate) is written escaped rather than failing the report.
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def read_report(report_path: Path) -> dict[str, Any]:
    """The report at ``report_path`` ({} when there is none); ValueError when it cannot be read."""
    try:
        loaded = json.loads(report_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"Cannot read the quarantine report {report_path}: {exc}.") from exc
    return loaded if isinstance(loaded, dict) else {}
