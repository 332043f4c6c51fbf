"""Where finished files go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FilingOptions:
    """Ingested files go to ``archive_dir``, failed ones to ``failed_dir``; ``None`` leaves them in place."""

    archive_dir: Path | None = None
    failed_dir: Path | None = None
