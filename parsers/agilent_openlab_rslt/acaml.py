"""ACAML documents -> the injections, signals, samples and peak results of a result set.

Element names are matched without their namespace, which changes with the schema version
(``urn:schemas-agilent-com:acaml21`` and later). Objects refer to each other by ``id`` attributes:
a ``Result`` names its injection (``InjectionMeasData_ID``) and each ``SignalResult`` its signal
(``Signal_ID``); an ``InjectionCompound`` names the peak it identifies (``Peak_ID``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element | None, name: str) -> Iterator[ET.Element]:
    """The direct children named ``name`` (none of a missing element)."""
    if element is None:
        return iter(())
    return (node for node in element if local(node.tag) == name)


def child(element: ET.Element | None, *path: str) -> ET.Element | None:
    node = element
    for name in path:
        if node is None:
            return None
        node = next(children(node, name), None)
    return node


def text(element: ET.Element | None, *path: str) -> str | None:
    node = child(element, *path)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


def value_of(element: ET.Element | None, *path: str) -> tuple[str | None, str]:
    """The ``val`` and ``unit`` attributes of an element such as ``<Area val="2761.4" unit="mAU·s"/>``."""
    node = child(element, *path)
    if node is None:
        return None, ""
    return node.get("val"), node.get("unit") or ""


def parse_document(data: bytes, *, name: str, file: Path) -> ET.Element:
    """An XML document's root; ParseError naming the member and the XML error."""
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ParseError(
            f"Member '{name}' of '{file}' is not well-formed XML ({exc}). Expected an ACAML document.",
            file=file,
            line=exc.position[0] if exc.position else None,
        ) from exc


@dataclass(frozen=True)
class SignalInfo:
    id: str
    name: str
    description: str
    type: str
    trace_id: str | None


@dataclass
class InjectionInfo:
    """What the result set knows of one injection (``MeasData``), and its sample."""

    id: str
    order: int | None
    raw_file: str | None
    signals: dict[str, SignalInfo] = field(default_factory=dict)
    injection_volume: str | None = None
    injection_volume_unit: str | None = None
    sample: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PeakResult:
    id: str | None
    element: ET.Element


@dataclass
class InjectionResult:
    """One ``Result``: its injection, peaks per signal id (in document order), and peak names."""

    injection_id: str
    peaks: dict[str, list[PeakResult]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    compound_amounts: dict[str, tuple[str | None, str]] = field(default_factory=dict)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().lstrip("-").isdigit() else None


def injections(root: ET.Element) -> dict[str, InjectionInfo]:
    """Every injection of the main document by its id, with its signals and sample."""
    content = child(root, "Doc", "Content")
    found: dict[str, InjectionInfo] = {}
    for meas in children(child(content, "Injections"), "MeasData"):
        injection_id = meas.get("id")
        if not injection_id:
            continue
        volume, unit = value_of(meas, "InjectionVolume")
        info = InjectionInfo(
            id=injection_id,
            order=_int(value_of(meas, "AcqParam", "OrderNo")[0]),
            raw_file=text(meas, "BinaryData", "DataItem", "Name"),
            injection_volume=volume,
            injection_volume_unit=unit or None,
        )
        for signal in children(meas, "Signal"):
            signal_id = signal.get("id")
            if signal_id:
                info.signals[signal_id] = SignalInfo(
                    id=signal_id,
                    name=text(signal, "Name") or signal_id,
                    description=text(signal, "Description") or text(signal, "Name") or signal_id,
                    type=text(signal, "Type") or "",
                    trace_id=text(signal, "TraceID"),
                )
        found[injection_id] = info
    _attach_samples(content, found)
    _attach_metadata_items(root, found)
    return found


def _attach_samples(content: ET.Element | None, found: dict[str, InjectionInfo]) -> None:
    samples = child(content, "Samples")
    if samples is None:
        return
    setups = {setup.get("id"): setup for setup in children(samples, "Setup")}
    for meas in children(samples, "MeasData"):
        reference = child(meas, "InjectionMeasData_ID")
        info = found.get(reference.get("id") or "") if reference is not None else None
        if info is None:
            continue
        setup_ref = child(meas, "SampleSetup_ID")
        setup = setups.get(setup_ref.get("id")) if setup_ref is not None else None
        lims = [
            node.text.strip()
            for node in children(child(meas, "IdentParam"), "LimsID")
            if node.text and node.text.strip()
        ]
        values = {
            "sample_name": text(meas, "IdentParam", "Name"),
            "sample_description": text(meas, "IdentParam", "Description"),
            "sample_id": lims[0] if lims else None,
            "project": text(meas, "IdentParam", "ProjectID"),
            "vial": text(meas, "AcqParam", "VialNumber"),
            "sample_type": text(setup, "DAParam", "Type"),
        }
        info.sample.update({key: value for key, value in values.items() if value})
        if info.injection_volume is None:
            volume, unit = value_of(meas, "AcqParam", "InjectionVolume")
            info.injection_volume, info.injection_volume_unit = volume, unit or None


def _attach_metadata_items(root: ET.Element, found: dict[str, InjectionInfo]) -> None:
    # The document's InjectionMetaData items repeat, per injection, what the sample list said.
    for item in root.iter():
        if local(item.tag) != "InjectionMetaData":
            continue
        info = found.get(item.get("InjectionId") or "")
        if info is None:
            continue
        for attribute, key in (
            ("SampleName", "sample_name"),
            ("SampleType", "sample_type"),
            ("VialNumber", "vial"),
            ("AcqMethodName", "method"),
            ("DaMethodName", "processing_method"),
            ("SequenceName", "sequence"),
            ("InjectionAcqDateTime", "acquired_utc"),
        ):
            value = (item.get(attribute) or "").strip()
            if value:
                info.sample.setdefault(key, value)


def instrument_name(root: ET.Element) -> str | None:
    return text(root, "Doc", "Content", "Resources", "Instrument", "Name")


def document_description(root: ET.Element) -> str | None:
    return text(root, "Doc", "DocInfo", "Description")


def application(root: ET.Element) -> str | None:
    app = child(root, "Doc", "DocInfo", "CreatedByApplication", "AgilentApp")
    name, version = text(app, "Name"), text(app, "Version")
    return " ".join(part for part in (name, version) if part) or None


def results(root: ET.Element) -> list[InjectionResult]:
    """Every ``Result`` under ``Doc/Content/Injections`` of a document."""
    found: list[InjectionResult] = []
    for result in children(child(root, "Doc", "Content", "Injections"), "Result"):
        reference = child(result, "InjectionMeasData_ID")
        if reference is None or not reference.get("id"):
            continue
        entry = InjectionResult(injection_id=str(reference.get("id")))
        for signal_result in children(result, "SignalResult"):
            signal = child(signal_result, "Signal_ID")
            signal_id = signal.get("id") if signal is not None else None
            if signal_id:
                entry.peaks.setdefault(signal_id, []).extend(
                    PeakResult(peak.get("id"), peak) for peak in children(signal_result, "Peak")
                )
        for compound in children(result, "InjectionCompound"):
            name = text(compound, "CompoundName")
            amount = value_of(compound, "Amount")
            for peak_ref in children(child(compound, "Identification", "Qualified", "Peaks"), "Peak_ID"):
                peak_id = peak_ref.get("id")
                if peak_id:
                    if name:
                        entry.names[peak_id] = name
                    if amount[0] is not None:
                        entry.compound_amounts[peak_id] = amount
        found.append(entry)
    return found


def run_record(root: ET.Element) -> dict[str, str]:
    """The values of an injection's run record (``injection.acmd``): run time with offset, operator..."""
    info = child(root, "InjectionInfo")
    values: dict[str, str] = {}
    for name in (
        "RunDateTime",
        "RunOperator",
        "SampleName",
        "Location",
        "InjectionVolume",
        "InjectionVolumeUnits",
        "Barcode",
        "Replicate",
        "SequenceLine",
    ):
        value = text(info, name)
        if value:
            values[name] = value
    return values
