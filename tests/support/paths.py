"""Where the repository's own files are, for tests in any folder."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCHEMAS_MAP = REPO / "schemas_map.yaml"
TENANT_FILE = REPO / "sample_data" / "tenant.yaml"
SAMPLE_EXPORTS = REPO / "sample_data" / "exports"
