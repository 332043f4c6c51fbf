"""Agilent ``.ch`` signal files -> traces, decoded by the ``rainbow-api`` library.

ChemStation writes one ``.ch`` file per detector signal into a ``.D`` data folder (OpenLab CDS result
sets hold the same files); any format that carries them decodes them here: every signal type rainbow
reads, diode-array (``DAD1A.ch``) and the single-column GC channels (``FID1A.ch``, ``TCD2B.ch``), in the
uncompressed and the delta-compressed layouts.

``rainbow-api`` (LGPL-3.0, used as a library, never copied) is an ordinary dependency. Were it missing
all the same (an environment built without it), the ``.ch`` files are still attached to the run, and
the ParsedFile carries a warning that their traces were not decoded. A ``.ch`` file that cannot be
decoded is likewise a warning, not a ParseError: the peak tables of the report stay valid without it.

A ``.ch`` header gives only the first and last time; the points are evenly spaced between them. Some
rainbow releases compute one time too many or too few for compressed GC files (the count is estimated
from the file size); the times are then laid out again over the decoded points.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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


def decoder_available() -> bool:
    """Whether ``.ch`` files are decoded into traces here (``rainbow-api`` is importable)."""
    return _load_reader() is not None


def describe_decoding() -> str:
    """Whether ``.ch`` signal files become traces here, in one sentence (``benchling-ingest parsers``)."""
    if not decoder_available():
        return (
            "Agilent .ch signal files are attached but NOT decoded into traces: rainbow-api, a dependency "
            "of benchling-ingest, is missing from this environment (pip install rainbow-api)."
        )
    try:
        from importlib.metadata import version

        release = f" {version('rainbow-api')}"
    except Exception:  # metadata of a vendored or renamed install: the decoder works all the same
        release = ""
    return f"Agilent .ch signal files (DAD, FID, TCD...) are decoded into traces by rainbow-api{release}."


def _times(xlabels: Any, points: int) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """The points' times in minutes: rainbow's own when they match the points, else evenly spaced
    between its first and last; None when there are not two times to space them by."""
    times = np.asarray(xlabels, dtype=np.float64).reshape(-1)
    if len(times) == points:
        return times
    if len(times) < 2 or points < 2:
        return None
    return np.linspace(times[0], times[-1], points)


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
            f"Signal files {names} were attached but not decoded into traces: the 'rainbow-api' package "
            "benchling-ingest depends on is not installed in this environment (pip install rainbow-api)."
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
        values = np.asarray(datafile.data, dtype=np.float64)
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        times = _times(datafile.xlabels, len(values))
        if values.ndim != 2 or values.shape[1] != 1 or times is None:
            warnings.append(
                f"Signal file '{path}' decoded to data of shape {values.shape}; expected one signal "
                "column per time point. It is attached without a trace."
            )
            continue
        description = metadata.get("signal")
        traces.append(
            trace_from_points(
                _channel(path, description if isinstance(description, str) else None, report_signals),
                times,
                values[:, 0],
                signal_unit=str(metadata["unit"]) if metadata.get("unit") else None,
            )
        )
    return tuple(traces), warnings
