"""benchling-ingest: instrument exports to Benchling assay runs and results, exactly once."""

from __future__ import annotations

__version__ = "0.1.0"
