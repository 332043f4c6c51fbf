"""A ChemStation report's ParsedFile: the report's metadata and peaks plus the ``.D`` folder's signal files.

Both report parsers (CSV and text) attach every ``.ch`` file of the folder and, where they decode,
turn them into traces; a file that does not decode adds a warning after the report's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ingest.models import ParsedFile, Provenance, Scalar
from parsers._common.agilent_ch import read_signal_traces


def report_parsed_file(
    *,
    metadata: dict[str, Scalar],
    results: pd.DataFrame,
    provenance: Provenance,
    signal_files: tuple[Path, ...],
    report_signals: Sequence[str],
    warnings: Sequence[str],
    column_units: Mapping[str, str] | None = None,
) -> ParsedFile:
    """The ParsedFile of one report; ``report_signals`` name the traces as the report prints them, and
    ``column_units`` the units of extra columns (an amount's ``ng/ul``)."""
    traces, trace_warnings = read_signal_traces(signal_files, report_signals=report_signals)
    return ParsedFile(
        metadata=metadata,
        results=results,
        provenance=provenance,
        traces=traces,
        attachments=signal_files,
        warnings=(*warnings, *trace_warnings),
        column_units=dict(column_units or {}),
    )
