"""Agilent OpenLab CDS result set (``.rslt`` folder or zip) -> ParsedFile: one row per peak per signal.

The main ``.acaml`` document lists the injections (``MeasData``: raw package, order, signals) and their
samples; each injection's ``.rx`` package holds its processing results (peaks per signal, compound
names); its ``.dx`` package holds the run record (``injection.acmd``: run time with the PC's UTC
offset) and one ``<TraceID>.CH`` file per signal. Results written into the main document itself (as
some OpenLab versions do) are read the same way. Chromatogram signals become traces (decoded with
``rainbow-api``, see :mod:`parsers._common.agilent_ch`); instrument curves (pressure, temperatures) are
not chromatograms and are left out. A whole sequence is one run: values every injection shares are
run metadata, the others are result columns.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from ingest.contract import FLOAT, STRING
from ingest.errors import ParseError
from ingest.models import ParsedFile, Provenance, Scalar, Trace
from parsers._common.agilent_ch import read_signal_traces
from parsers._common.numbers import parse_number
from parsers._common.run_metadata import shared_values
from parsers._plugin.frames import ResultColumns
from parsers.agilent_openlab_rslt import acaml
from parsers.agilent_openlab_rslt import constants as c
from parsers.agilent_openlab_rslt.reader import ResultSetFiles, looks_like_result_set, read_result_set

_SHARED = (
    "sample_name",
    "sample_id",
    "sample_type",
    "vial",
    "method",
    "processing_method",
    "sequence",
    "operator",
    "injection_volume",
    "injection_volume_unit",
    "injection_time",
)
_EXTRAS: dict[str, Any] = {
    "injection_id": STRING,
    "injection_time": STRING,
    "sample_type": STRING,
    "vial": STRING,
    "peak_type": STRING,
    "baseline_code": STRING,
    "start_time_min": FLOAT,
    "end_time_min": FLOAT,
    "width_base_min": FLOAT,
    "width_half_height_min": FLOAT,
    "height_percent": FLOAT,
    "symmetry": FLOAT,
    "tailing": FLOAT,
    "plates": FLOAT,
    "resolution": FLOAT,
    "amount": FLOAT,
}


class OpenLabResultSetParser:
    """OpenLab CDS 2.x result sets: the ``.rslt`` folder as stored, or a zip of it."""

    name: ClassVar[str] = "agilent_openlab_rslt"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".rslt",)
    unit_suffixes: ClassVar[tuple[str, ...]] = (".rslt",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_result_set(head, path)

    def parse(self, path: Path) -> ParsedFile:
        files = read_result_set(path)
        documents = files.named(c.ACAML_SUFFIX)
        top = [name for name in documents if "/" not in name]
        if len(top) != 1:
            raise ParseError(
                f"'{path}' holds {len(top)} ACAML documents at its top level ({top}). Expected exactly one "
                "'<sequence>.acaml', as every OpenLab result set has.",
                file=path,
            )
        root = acaml.parse_document(files.read(top[0]), name=top[0], file=path)
        injections = acaml.injections(root)
        if not injections:
            raise ParseError(
                f"'{top[0]}' in '{path}' lists no injections (Doc/Content/Injections/MeasData). "
                "Expected the injections of the sequence.",
                file=path,
            )
        results = acaml.results(root)
        for name in files.named(c.RESULT_SUFFIX):
            documents_in_package = files.package_members(
                name, lambda m: m.rsplit("/", 1)[-1] == c.RESULT_DOCUMENT
            )
            for member, data in documents_in_package.items():
                results.extend(acaml.results(acaml.parse_document(data, name=f"{name}/{member}", file=path)))
        warnings: list[str] = []
        records = {key: _record(info, files, path) for key, info in injections.items()}
        columns = ResultColumns(_EXTRAS)
        for result in sorted(results, key=lambda r: _order(records.get(r.injection_id))):
            info = injections.get(result.injection_id)
            if info is None:
                raise ParseError(
                    f"A result in '{path}' refers to injection {result.injection_id}, which '{top[0]}' "
                    "does not list. Expected every result to belong to an injection of the sequence.",
                    file=path,
                )
            _append_peaks(columns, result, info, records[info.id], path)
        traces, trace_warnings = _traces(injections, records, files, path)
        warnings.extend(trace_warnings)
        metadata: dict[str, Scalar] = {
            "sequence": acaml.document_description(root),
            "instrument": acaml.instrument_name(root),
            "software": acaml.application(root),
        }
        metadata = {k: v for k, v in metadata.items() if v is not None}
        metadata.update(shared_values(records.values(), _SHARED))
        metadata["injection_count"] = len(injections)
        if not len(columns):
            warnings.append(f"'{path}' holds no processed peaks; only its traces were read.")
        return ParsedFile(
            metadata=metadata,
            results=columns.frame(),
            provenance=Provenance(self.name, self.version, path),
            traces=traces,
            warnings=tuple(warnings),
        )


def _order(record: dict[str, Scalar] | None) -> tuple[str, str]:
    """Injections in the order they were run (then by their label)."""
    if record is None:
        return ("~", "~")
    return (str(record.get("injection_time") or "~"), str(record.get("injection") or "~"))


def _record(info: acaml.InjectionInfo, files: ResultSetFiles, file: Path) -> dict[str, Scalar]:
    run = _run_record(info, files, file)
    volume = (
        parse_number(info.injection_volume, file=file, column="InjectionVolume")
        if info.injection_volume
        else None
    )
    when = run.get("RunDateTime") or info.sample.get("acquired_utc")
    record: dict[str, Scalar] = {
        "sample_name": info.sample.get("sample_name") or run.get("SampleName"),
        "sample_id": info.sample.get("sample_id"),
        "sample_type": info.sample.get("sample_type"),
        "vial": info.sample.get("vial") or run.get("Location"),
        "method": info.sample.get("method"),
        "processing_method": info.sample.get("processing_method"),
        "sequence": info.sample.get("sequence"),
        "operator": run.get("RunOperator"),
        "injection_volume": volume,
        "injection_volume_unit": (info.injection_volume_unit or "").replace("u", "µ") or None,
        "injection_time": _iso(when) if when else None,
        "injection": _injection_label(info, run),
        "injection_id": info.id,
    }
    return record


def _injection_label(info: acaml.InjectionInfo, run: dict[str, str]) -> str:
    """The injection as the sequence names it: its line, and the replicate when there are several."""
    line, replicate = run.get("SequenceLine"), run.get("Replicate")
    if line:
        return f"{line}-{replicate}" if replicate and replicate != "1" else line
    stem = (info.raw_file or info.id).rsplit(".", 1)[0]
    return stem


def _iso(value: str) -> str:
    # .NET writes seven fractional digits; Python reads six.
    text = re.sub(r"\.(\d{6})\d+", r".\1", value.strip().replace("Z", "+00:00"))
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        return value


def _run_record(info: acaml.InjectionInfo, files: ResultSetFiles, file: Path) -> dict[str, str]:
    if not info.raw_file or info.raw_file not in files.names:
        return {}
    members = files.package_members(info.raw_file, lambda m: m.lower().endswith(c.RUN_RECORD_SUFFIX))
    for name, data in members.items():
        return acaml.run_record(acaml.parse_document(data, name=f"{info.raw_file}/{name}", file=file))
    return {}


def _number(peak: acaml.PeakResult, element: str, file: Path) -> tuple[float | None, str]:
    raw, unit = acaml.value_of(peak.element, element)
    if raw is None or raw in ("-INF", "INF", "NaN"):
        return None, unit
    return parse_number(raw, file=file, column=element), unit


def _minutes(peak: acaml.PeakResult, element: str, file: Path) -> float | None:
    value, unit = _number(peak, element, file)
    if value is None:
        return None
    if unit not in c.MINUTES:
        raise ParseError(
            f"Peak {peak.id} in '{file}' gives {element} in {unit!r}. Expected min or s.",
            file=file,
            column=element,
        )
    return value * c.MINUTES[unit]


def _append_peaks(
    columns: ResultColumns,
    result: acaml.InjectionResult,
    info: acaml.InjectionInfo,
    record: dict[str, Scalar],
    file: Path,
) -> None:
    def description(signal_id: str) -> str:
        signal = info.signals.get(signal_id)
        return " ".join(signal.description.split()) if signal else signal_id

    for signal_id in sorted(result.peaks, key=description):
        # ACAML keeps peaks in integration order; they are numbered by retention time.
        peaks = sorted(result.peaks[signal_id], key=lambda p: _minutes(p, "RetentionTime", file) or 0.0)
        for position, peak in enumerate(peaks, start=1):
            area, area_unit = _number(peak, "Area", file)
            height, height_unit = _number(peak, "Height", file)
            values: dict[str, Any] = {
                "sample_name": record["sample_name"],
                "sample_id": record["sample_id"],
                "injection": record["injection"],
                "injection_id": record["injection_id"],
                "injection_time": record["injection_time"],
                "sample_type": record["sample_type"],
                "vial": record["vial"],
                "signal": description(signal_id),
                "peak_number": position,
                "peak_name": result.names.get(peak.id or ""),
                "retention_time_min": _minutes(peak, "RetentionTime", file),
                "area": area,
                "area_unit": c.UNITS.get(area_unit, area_unit.replace("·", "*"))
                if area is not None and area_unit
                else None,
                "height": height,
                "height_unit": height_unit or None if height is not None else None,
                "area_percent": _number(peak, "AreaPercent", file)[0],
                "peak_type": acaml.text(peak.element, "Type"),
                "baseline_code": acaml.text(peak.element, "BaselineCode"),
            }
            for element, column in c.PEAK_NUMBERS.items():
                values[column] = _number(peak, element, file)[0]
            for element, column in c.PEAK_TIMES.items():
                values[column] = _minutes(peak, element, file)
            if values["amount"] is None and peak.id in result.compound_amounts:
                raw, _ = result.compound_amounts[peak.id]
                values["amount"] = parse_number(raw or "", file=file, column="Amount")
            columns.append(values)


def _named_in(names: set[str]) -> Callable[[str], bool]:
    """Whether a package member's file name (lower case) is one of ``names``."""

    def wanted(member: str) -> bool:
        return member.rsplit("/", 1)[-1].lower() in names

    return wanted


def _traces(
    injections: dict[str, acaml.InjectionInfo],
    records: dict[str, dict[str, Scalar]],
    files: ResultSetFiles,
    file: Path,
) -> tuple[tuple[Trace, ...], list[str]]:
    traces: list[Trace] = []
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rslt-") as folder:
        for info in sorted(injections.values(), key=lambda i: _order(records[i.id])):
            chromatograms = sorted(
                (s for s in info.signals.values() if s.type == c.CHROMATOGRAM_TYPE and s.trace_id),
                key=lambda s: s.description,
            )
            if not chromatograms or not info.raw_file or info.raw_file not in files.names:
                continue
            wanted = {f"{s.trace_id}{c.SIGNAL_FILE_SUFFIX}".lower() for s in chromatograms}
            members = files.package_members(info.raw_file, _named_in(wanted))
            by_name = {name.rsplit("/", 1)[-1].lower(): data for name, data in members.items()}
            for signal in chromatograms:
                data = by_name.get(f"{signal.trace_id}{c.SIGNAL_FILE_SUFFIX}".lower())
                label = f"{' '.join(signal.description.split())} (injection {records[info.id]['injection']})"
                if data is None:
                    warnings.append(f"Signal {label} has no file {signal.trace_id}.CH in '{info.raw_file}'.")
                    continue
                target = Path(folder) / f"{signal.trace_id}.ch"
                target.write_bytes(data)
                decoded, problems = read_signal_traces([target])
                warnings.extend(
                    problem.replace(str(target), f"{info.raw_file}/{signal.trace_id}.CH")
                    for problem in problems
                )
                traces.extend(Trace(label, trace.data, trace.signal_unit) for trace in decoded)
    return tuple(traces), list(dict.fromkeys(warnings))
