"""Empower connector JSON -> ParsedFile: one result row per peak per processed channel.

Layout: ``metadata`` (connector request: project, sample set; it may also echo the database
credentials, which are never read), and ``values`` with ``fields`` (the sample set), ``injections[]``,
``channels[]`` (one per injection and detector channel, ``chrom`` = [times in minutes, signal in the
channel's DetUnits]) and ``results[]`` (one per processed channel, ``peaks[].fields``). Empower reports
peak areas in µV·s and heights in µV whatever the detector (it scales every channel to µV), retention
and start/end times in minutes, and Width in seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ingest.errors import ParseError
from ingest.models import FormulaTextPolicy, ParsedFile, ParseHints, Provenance, Scalar, Trace
from parsers._common.json_fields import Fields
from parsers._common.json_traces import trace_from_json_arrays
from parsers._common.run_metadata import shared_values
from parsers._plugin.frames import ResultColumns
from parsers.benchling_connector_empower_json import constants as c
from parsers.benchling_connector_empower_json.reader import looks_like_empower_connector, read_document


class EmpowerConnectorJsonParser:
    """Empower 3 results as written by Benchling's Empower connector: a sample set with its injections.

    One result row per peak per processed channel; areas in µV·s and heights in µV as Empower reports.
    A sample set without processed results gives an empty results frame and the channels' traces.
    """

    name: ClassVar[str] = "benchling_connector_empower_json"
    version: ClassVar[str] = "1.0.0"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    #: ``parse`` applies ``hints.formula_text`` itself, before the frame is built (see the parser contract).
    screens_formula_text: ClassVar[bool] = True

    def sniff(self, head: bytes, path: Path) -> bool:
        return looks_like_empower_connector(head)

    def parse(self, path: Path, *, hints: ParseHints | None = None) -> ParsedFile:
        """Read ``path``; of ``hints``, only ``formula_text`` applies (JSON states its numbers and text)."""
        root, values, encoding = read_document(path)
        # The registry screens the output of a registration that turns ``screens_formula_text`` off.
        policy = (hints or _NO_HINTS).formula_text if type(self).screens_formula_text else "keep"
        return _parsed_file(
            root, values, file=path, parser=self.name, version=self.version, encoding=encoding, policy=policy
        )


_NO_HINTS = ParseHints()


def _parsed_file(
    root: Fields,
    values: Fields,
    *,
    file: Path,
    parser: str,
    version: str,
    encoding: str,
    policy: FormulaTextPolicy,
) -> ParsedFile:
    """Map the export's top-level and ``values`` objects onto a ParsedFile (results, traces, metadata)."""
    injections = {_id(inj, "InjectionId"): _injection_record(inj) for inj in _fields_of(values, "injections")}
    columns = ResultColumns(c.EXTRA_COLUMNS)
    for result in values.children("results"):
        info = _fields(result)
        record = injections.get(_id(info, "InjectionId")) or _injection_record(info)
        result_values: dict[str, Scalar] = {
            **record,
            "signal": info.text("ChannelDescription", "ProcessedChanDesc", "ChannelName", "Channel"),
            "channel": info.text("ChannelName", "Channel"),
            "processing_method": info.text("ProcessingMethod"),
            "result_id": info.text("ResultId"),
            "date_processed": info.text("DateProcessed"),
        }
        for index, peak in enumerate(result.children("peaks")):
            columns.append({**result_values, **_peak_values(_fields(peak), index)})
    records = list(injections.values())
    metadata = {**_run_metadata(root, values), **shared_values(records, c.SHARED_KEYS)}
    processing = set(_processing_methods(values))
    if len(processing) == 1:
        metadata["processing_method"] = processing.pop()
    if "instrument_method" in metadata:
        metadata["method"] = metadata.pop("instrument_method")
    if "acquired_by" in metadata:
        metadata.setdefault("operator", metadata.pop("acquired_by"))
    metadata["injection_count"] = len(records)
    traces = tuple(t for t in map(_trace, values.children("channels")) if t is not None)
    # Screened after the traces are read, so that a bad trace is refused as before, whatever the policy.
    metadata, formula_warning = columns.screen_formula_text(metadata, policy=policy, file=file)
    return ParsedFile(
        metadata=metadata,
        results=columns.frame(),
        provenance=Provenance(parser=parser, parser_version=version, source=file, encoding=encoding),
        traces=traces,
        warnings=() if formula_warning is None else (formula_warning,),
    )


def _processing_methods(values: Fields) -> list[str]:
    methods = [_fields(result).text("ProcessingMethod") for result in values.children("results")]
    return [m for m in methods if m is not None]


def _fields_of(values: Fields, name: str) -> list[Fields]:
    return [_fields(item) for item in values.children(name)]


def _fields(item: Fields) -> Fields:
    # Each entry wraps its values in "fields"; tolerate connector versions that put them inline.
    return item.child("fields") or item


def _id(fields: Fields, name: str) -> str | None:
    return fields.text(name)


def _run_metadata(root: Fields, values: Fields) -> dict[str, Scalar]:
    sample_set = values.child("fields") or values
    request = root.child("metadata")
    metadata: dict[str, Scalar] = {
        "sequence": sample_set.text("SampleSetName")
        or (request.text("sample_set_name") if request else None),
        "sample_set_id": sample_set.text("SampleSetId")
        or (request.text("sample_set_id") if request else None),
        "sample_set_method": sample_set.text("SampleSetMethod"),
        "sample_set_start": sample_set.text("SampleSetStartDate"),
        "sample_set_finish": sample_set.text("SampleSetFinishDate"),
        "instrument": sample_set.text("SystemName"),
        "node": sample_set.text("Node"),
        "operator": sample_set.text("SampleSetAcquiredBy"),
        # Only these two request fields are read: the request may also carry a database password.
        "project": request.text("project") if request else None,
        "database": request.text("db") if request else None,
    }
    return {key: value for key, value in metadata.items() if value is not None}


def _injection_record(injection: Fields) -> dict[str, Scalar]:
    volume = injection.number("InjectionVolume")
    return {
        "sample_name": injection.text("SampleName"),
        "injection": injection.text("InjectionId"),
        "injection_number": injection.integer("Injection"),
        "injection_time": injection.timestamp("DateAcquired"),
        "sample_type": injection.text("SampleType"),
        "injection_volume": volume,
        "injection_volume_unit": c.INJECTION_VOLUME_UNIT if volume is not None else None,
        "vial": injection.text("Vial"),
        "label": injection.text("Label"),
        "instrument_method": injection.text("InstrumentMethodName", "AcqMethodSet"),
        "acquired_by": injection.text("AcquiredBy"),
    }


def _peak_values(peak: Fields, index: int) -> dict[str, Scalar]:
    label = peak.text("PeakLabel")
    area = peak.number("Area")
    height = peak.number("Height")
    values: dict[str, Scalar] = {
        "peak_number": int(label) if label is not None and label.isdigit() else index + 1,
        "peak_name": peak.text("Name", "PeakName"),
        "retention_time_min": peak.number("RetentionTime"),
        "area": area,
        "area_unit": c.AREA_UNIT if area is not None else None,
        "height": height,
        "height_unit": c.HEIGHT_UNIT if height is not None else None,
        "area_percent": peak.number("PctArea", "%Area"),
        "peak_type": peak.text("PeakType"),
        "integration_type": peak.text("IntType"),
    }
    for column, names in c.PEAK_FLOATS.items():
        values[column] = peak.number(*names)
    return values


def _trace(channel_entry: Fields) -> Trace | None:
    info = _fields(channel_entry)
    chrom = channel_entry.array("chrom")
    if not chrom:
        return None
    if len(chrom) != 2 or not all(isinstance(part, list) for part in chrom):
        raise ParseError(
            f"Field 'chrom' at {channel_entry.where} in '{channel_entry.file}' has {len(chrom)} parts. "
            "Expected two arrays: times in minutes and signal values.",
            file=channel_entry.file,
            column="chrom",
            json_path=channel_entry.where,
        )
    name = info.text("ChannelDescription", "ChannelName", "Channel") or "unnamed channel"
    return trace_from_json_arrays(
        channel_entry,
        channel=f"{name} (injection {info.text('InjectionId')})",
        times_min=chrom[0],
        signal=chrom[1],
        signal_unit=info.text("DetUnits"),
        field="chrom",
    )
