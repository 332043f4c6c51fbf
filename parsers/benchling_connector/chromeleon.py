"""Chromeleon connector JSON (document) -> ParsedFile.

Layout: ``sequence`` and ``device information`` at the top; ``injections[]`` each with sample fields
and ``signals[]``; each signal with a ``chromatogram`` (x in minutes, y) and ``peaks[]``. Times and
widths are in minutes and areas in signal-unit x minutes, as Chromeleon reports them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar, Trace
from parsers._plugin.frames import ResultColumns
from parsers.benchling_connector.fields import Fields, normalize_key, root_fields
from parsers.benchling_connector.run_metadata import shared_values
from parsers.benchling_connector.traces import build_trace

#: Extra result columns after the normalized ones: per-injection values, then peak figures.
EXTRA_COLUMNS = {
    "injection_time": STRING,
    "sample_type": STRING,
    "injection_volume": FLOAT,
    "injection_volume_unit": STRING,
    "vial": STRING,
    "injection_identifier": STRING,
    "injection_status": STRING,
    "sample_description": STRING,
    "instrument_method": STRING,
    "processing_method": STRING,
    "signal_wavelength_nm": FLOAT,
    "peak_identifier": STRING,
    "peak_type": STRING,
    "amount": FLOAT,
    "height_percent": FLOAT,
    "start_time_min": FLOAT,
    "end_time_min": FLOAT,
    "width_half_height_min": FLOAT,
    "width_5pct_min": FLOAT,
    "width_10pct_min": FLOAT,
    "width_baseline_min": FLOAT,
    "resolution": FLOAT,
    "resolution_usp": FLOAT,
    "plates": FLOAT,
    "asymmetry_5pct": FLOAT,
    "asymmetry_aia": FLOAT,
    "capacity_factor": FLOAT,
    "relative_retention_time": FLOAT,
}

#: Per-injection keys that become run metadata when every injection in the file agrees.
_SHARED_KEYS = (
    "sample_name",
    "sample_id",
    "injection_time",
    "injection_volume",
    "injection_volume_unit",
    "vial",
    "injection",
    "instrument_method",
    "processing_method",
)

# The connector does not state signal units. Absorbance channels (UV_VIS_1, DAD..., PDA...) are in mAU
# in Chromeleon; for other detectors (conductivity, fluorescence, charged aerosol...) the unit depends
# on the instrument, so it is left empty rather than guessed.
_ABSORBANCE_SIGNAL = re.compile(r"^(uv|dad|pda|vwd|mwd)", re.IGNORECASE)

_PEAK_FLOATS: dict[str, tuple[str, ...]] = {
    "amount": ("amount",),
    "height_percent": ("relative peak height",),
    "start_time_min": ("start time",),
    "end_time_min": ("end time",),
    "width_half_height_min": ("peak width at half height",),
    "width_5pct_min": ("peak width at 5 % of height",),
    "width_10pct_min": ("peak width at 10 % of height",),
    "width_baseline_min": ("peak width at baseline",),
    "resolution": ("chromatographic peak resolution",),
    "resolution_usp": ("chromatographic peak resolution (USP)",),
    "plates": ("number of theoretical plates by peak width at half height",),
    "asymmetry_5pct": ("asymmetry factor measured at 5 % height",),
    "asymmetry_aia": ("asymmetry aia",),
    "capacity_factor": ("capacity factor",),
    "relative_retention_time": ("relative retention time",),
}


def read_chromeleon(
    document: dict[str, Any], *, file: Path, parser: str, version: str, encoding: str
) -> ParsedFile:
    """Map a decoded Chromeleon connector document onto a ParsedFile (results, traces, metadata)."""
    root = root_fields(document, file=file)
    if not isinstance(root.array("injections"), list):
        raise ParseError(
            f"'{file}' has no 'injections' array at its top level. "
            "Expected a Chromeleon connector export with an 'injections' list.",
            file=file,
            column="injections",
        )
    columns = ResultColumns(EXTRA_COLUMNS)
    traces: list[Trace] = []
    warnings: list[str] = []
    injection_records: list[dict[str, Scalar]] = []
    unitless_signals: set[str] = set()
    for injection in root.children("injections"):
        record = _injection_record(injection)
        injection_records.append(record)
        for signal in injection.children("signals"):
            signal_name = signal.text("signal name", "name") or "unnamed signal"
            unit = _signal_unit(signal, signal_name)
            if unit is None:
                unitless_signals.add(signal_name)
            signal_values: dict[str, Scalar] = {
                **record,
                "signal": signal_name,
                "signal_wavelength_nm": signal.number("wavelength setting"),
            }
            for index, peak in enumerate(signal.children("peaks")):
                columns.append({**signal_values, **_peak_values(peak, index, unit)})
            trace = _trace(signal, record, signal_name, unit)
            if trace is not None:
                traces.append(trace)
    if unitless_signals:
        warnings.append(
            f"The export does not state the unit of signals {sorted(unitless_signals)}; their area, height "
            "and trace units are left empty."
        )
    metadata = {**_run_metadata(root), **shared_values(injection_records, _SHARED_KEYS)}
    metadata["injection_count"] = len(injection_records)
    if "instrument_method" in metadata:
        metadata["method"] = metadata.pop("instrument_method")
    return ParsedFile(
        metadata=metadata,
        results=columns.frame(),
        provenance=Provenance(parser=parser, parser_version=version, source=file, encoding=encoding),
        traces=tuple(traces),
        warnings=tuple(warnings),
    )


def _run_metadata(root: Fields) -> dict[str, Scalar]:
    metadata: dict[str, Scalar] = {}
    sequence = root.child("sequence")
    if sequence is not None:
        metadata["sequence"] = sequence.text("sequence name", "name")
        metadata["sequence_directory"] = sequence.text("sequence directory")
        metadata["sequence_creation_time"] = sequence.text("sequence creation time")
        metadata["sequence_update_time"] = sequence.text("sequence update time")
        metadata["operator"] = sequence.text("sequence update operator", "operator")
    devices = root.child("device information")
    if devices is not None:
        for key, value in devices.scalars().items():
            if isinstance(value, str) and value.strip():
                metadata[_snake(key)] = value.strip()
    metadata["instrument"] = root.text("instrument", "instrument name")
    return {key: value for key, value in metadata.items() if value is not None}


def _injection_record(injection: Fields) -> dict[str, Scalar]:
    number = injection.integer("injection number")
    return {
        "sample_id": injection.text("sample identifier", "sample id"),
        "sample_name": injection.text("injection name", "sample name"),
        "injection": str(number) if number is not None else injection.text("injection identifier"),
        "injection_time": injection.timestamp("injection time"),
        "sample_type": injection.text("injection type", "sample type"),
        "injection_volume": injection.number("injection volume setting", "injection volume"),
        "injection_volume_unit": injection.text("injection volume setting unit", "injection volume unit"),
        "vial": injection.text("injection position", "location identifier", "position"),
        "injection_identifier": injection.text("injection identifier"),
        "injection_status": injection.text("injection status"),
        "sample_description": injection.text("description"),
        "instrument_method": injection.text("instrument method", "instrument method name"),
        "processing_method": injection.text("processing method", "processing method name"),
    }


def _peak_values(peak: Fields, index: int, unit: str | None) -> dict[str, Scalar]:
    identifier = peak.text("identifier", "peak number")
    number = int(identifier) if identifier is not None and identifier.isdigit() else index + 1
    values: dict[str, Scalar] = {
        "peak_number": number,
        "peak_identifier": identifier,
        "peak_name": peak.text("name", "peak name"),
        "peak_type": peak.text("peak type"),
        "retention_time_min": peak.number("retention time"),
        "area": peak.number("area"),
        "area_unit": peak.text("area unit") or (f"{unit}*min" if unit else None),
        "height": peak.number("height"),
        "height_unit": peak.text("height unit") or unit,
        "area_percent": peak.number("relative peak area", "relative area"),
    }
    for column, names in _PEAK_FLOATS.items():
        values[column] = peak.number(*names)
    return values


def _signal_unit(signal: Fields, signal_name: str) -> str | None:
    stated = signal.text("signal unit", "unit")
    if stated is not None:
        return stated
    return "mAU" if _ABSORBANCE_SIGNAL.match(signal_name) else None


def _trace(signal: Fields, record: dict[str, Scalar], signal_name: str, unit: str | None) -> Trace | None:
    chromatogram = signal.child("chromatogram")
    if chromatogram is None:
        return None
    label = record.get("injection") or record.get("injection_identifier")
    return build_trace(
        chromatogram,
        channel=f"{signal_name} (injection {label})",
        times_min=chromatogram.array("x"),
        signal=chromatogram.array("y"),
        signal_unit=unit,
        field="chromatogram",
    )


def _snake(key: str) -> str:
    snake = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
    return snake if snake and snake[0].isalpha() else f"field_{normalize_key(key)}"
