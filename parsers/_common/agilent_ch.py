"""Agilent ``.ch`` signal files -> traces, decoded by the ``rainbow-api`` library when installed.

ChemStation writes one ``.ch`` file per detector signal into a ``.D`` data folder (OpenLab CDS result
sets hold the same files); any format that carries them decodes them here.

``rainbow-api`` (LGPL-3.0, used as a library, never copied) is an optional dependency (extra ``ch``):
without it the ``.ch`` files are still attached to the run, and the ParsedFile carries a warning that
their traces were not decoded. A ``.ch`` file that cannot be decoded is likewise a warning, not a
ParseError: the peak tables of the report stay valid without it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.models import Trace
from parsers._common.traces import trace_from_points


def _space_free(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _channel(path: Path, description: str | None, report_signals: Sequence[str]) -> str:
    # The .ch header spells a signal "DAD1A, Sig=210,4  Ref=425,50" where the report prints
    # "DAD1 A, Sig=210,4 Ref=425,50": use the report's spelling when they are the same signal.
    if description:
        for signal in report_signals:
            if _space_free(signal) == _space_free(description):
                return signal
        return re.sub(r"\s+", " ", description).strip()
    return path.stem


def _load_reader() -> Any:
    try:
        return importlib.import_module("rainbow.agilent.chemstation")
    except ImportError:
        return None


def read_signal_traces(
    signal_files: Sequence[Path], *, report_signals: Sequence[str] = ()
) -> tuple[tuple[Trace, ...], list[str]]:
    """Decode each ``.ch`` file into a Trace; returns the traces and a warning per file not decoded."""
    if not signal_files:
        return (), []
    reader = _load_reader()
    if reader is None:
        names = [p.name for p in signal_files]
        return (), [
            f"Signal files {names} were attached but not decoded into traces: the optional "
            "'rainbow-api' package is not installed (pip install 'benchling-ingest[ch]')."
        ]
    traces: list[Trace] = []
    warnings: list[str] = []
    for path in signal_files:
        try:
            datafile = reader.parse_ch(str(path))
        except Exception as exc:  # a foreign decoder: any failure means "not decodable"
            warnings.append(
                f"Signal file '{path}' could not be decoded ({type(exc).__name__}: {exc}); "
                "it is attached without a trace."
            )
            continue
        if datafile is None or getattr(datafile, "data", None) is None:
            warnings.append(
                f"Signal file '{path}' is of a .ch variant that could not be decoded; "
                "it is attached without a trace."
            )
            continue
        metadata: Mapping[str, Any] = getattr(datafile, "metadata", {}) or {}
        values = datafile.data
        if values.ndim != 2 or values.shape[1] != 1 or len(values) != len(datafile.xlabels):
            warnings.append(
                f"Signal file '{path}' decoded to data of shape {values.shape}; expected one signal "
                "column per time point. It is attached without a trace."
            )
            continue
        description = metadata.get("signal")
        traces.append(
            trace_from_points(
                _channel(path, description if isinstance(description, str) else None, report_signals),
                datafile.xlabels,
                values[:, 0],
                signal_unit=str(metadata["unit"]) if metadata.get("unit") else None,
            )
        )
    return tuple(traces), warnings
