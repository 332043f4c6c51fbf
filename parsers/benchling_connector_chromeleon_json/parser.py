"""Chromeleon connector JSON -> ParsedFile: one result row per peak per injection and signal.

Layout: ``sequence`` and ``device information`` at the top; ``injections[]`` each with sample fields
and ``signals[]``; each signal with a ``chromatogram`` (x in minutes, y) and ``peaks[]``. Times and
widths are in minutes and areas in signal-unit x minutes, as Chromeleon reports them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from ingest.models import FormulaTextPolicy, ParsedFile, ParseHints, Provenance, Scalar, Trace
from parsers._common.json_fields import Fields, normalize_key
from parsers._common.json_traces import trace_from_json_arrays
from parsers._common.run_metadata import shared_values
from parsers._plugin.frames import ResultColumns
from parsers.benchling_connector_chromeleon_json import constants as c
from parsers.benchling_connector_chromeleon_json.reader import looks_like_chromeleon_connector, read_document


class ChromeleonConnectorJsonParser:
    """Chromeleon 7 results as written by Benchling's Chromeleon connector: one file, many injections.

    One result row per peak per injection and signal; per-injection values (time, type, volume,
    position) are result columns, values every injection shares are also run metadata.
    """

    name: ClassVar[str] = "benchling_connector_chromeleon_json"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    #: ``parse`` applies ``hints.formula_text`` itself, before the frame is built (see the parser contract).
    screens_formula_text: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_chromeleon_connector(head)

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        """Read ``path``; of ``hints``, only ``formula_text`` applies (JSON states its numbers and text)."""
        root, encoding = read_document(path)
        # The registry screens the output of a registration that turns ``screens_formula_text`` off.
        policy = (hints or _NO_HINTS).formula_text if type(self).screens_formula_text else "keep"
        return _parsed_file(
            root, file=path, parser=self.name, version=self.version, encoding=encoding, policy=policy
        )


_NO_HINTS = ParseHints()


def _parsed_file(
    root: Fields, *, file: Path, parser: str, version: str, encoding: str, policy: FormulaTextPolicy
) -> ParsedFile:
    """Map the export's top-level object onto a ParsedFile (results, traces, metadata)."""
    columns = ResultColumns(c.EXTRA_COLUMNS)
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
    metadata = {**_run_metadata(root), **shared_values(injection_records, c.SHARED_KEYS)}
    metadata["injection_count"] = len(injection_records)
    if "instrument_method" in metadata:
        metadata["method"] = metadata.pop("instrument_method")
    metadata, formula_warning = columns.screen_formula_text(metadata, policy=policy, file=file)
    if formula_warning is not None:
        warnings.append(formula_warning)
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
    for column, names in c.PEAK_FLOATS.items():
        values[column] = peak.number(*names)
    return values


def _signal_unit(signal: Fields, signal_name: str) -> str | None:
    stated = signal.text("signal unit", "unit")
    if stated is not None:
        return stated
    return "mAU" if c.ABSORBANCE_SIGNAL.match(signal_name) else None


def _trace(signal: Fields, record: dict[str, Scalar], signal_name: str, unit: str | None) -> Trace | None:
    chromatogram = signal.child("chromatogram")
    if chromatogram is None:
        return None
    label = record.get("injection") or record.get("injection_identifier")
    return trace_from_json_arrays(
        chromatogram,
        channel=f"{signal_name} (injection {label})",
        times_min=chromatogram.array("x"),
        signal=chromatogram.array("y"),
        signal_unit=unit,
        field="chromatogram",
    )


@lru_cache(maxsize=1024)  # an export's device fields repeat from file to file
def _snake(key: str) -> str:
    snake = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
    return snake if snake and snake[0].isalpha() else f"field_{normalize_key(key)}"
