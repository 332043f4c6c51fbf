"""Run metadata of an ASM document: instrument, software, converter, operator, plates, times.

Read from the data system and device system documents, the technique documents (analyst) and the
measurement groups (method, experiment); sample and plate identifiers, and injection values for
chromatography, are run metadata when every measurement shares one.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.contract import LIQUID_CHROMATOGRAPHY
from ingest.models import Scalar
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Measurement
from parsers._asm.node import AsmNode

#: Text values of the measurement groups kept as run metadata (ASM key -> metadata key).
_GROUP_TEXT = {
    "analytical method identifier": "method",
    "experimental data identifier": "experiment",
    "experiment type": "experiment_type",
    "container type": "container_type",
}


def run_metadata(document: AsmDocument, found: list[Measurement]) -> dict[str, Scalar]:
    metadata: dict[str, Scalar] = {"technique": document.technique, "asm_manifest": document.manifest}
    system = _system_documents(document, "data system document")
    device = _system_documents(document, "device system document")
    metadata["instrument"] = _first(
        [d.text("model number") for d in device]
        + [d.text("device identifier") for d in device]
        + [d.text("software name") for d in system]
    )
    metadata["instrument_serial"] = _first([d.text("equipment serial number") for d in device])
    metadata["manufacturer"] = _first([d.text("product manufacturer") for d in device])
    metadata["software"] = _first([d.text("software name") for d in system])
    metadata["software_version"] = _first([d.text("software version") for d in system])
    metadata["original_file"] = _first([d.text("file name") for d in system])
    converter = _first([d.text("ASM converter name") for d in system])
    version = _first([d.text("ASM converter version") for d in system])
    metadata["asm_converter"] = f"{converter} {version}" if converter and version else converter
    metadata["operator"] = _first(d.text("analyst") for d in document.technique_documents())
    for key, name in _GROUP_TEXT.items():
        metadata[name] = _first([m.node.text(key) or m.group.text(key) for m in found])
    times = sorted(t for t in (m.time for m in found) if t)
    metadata["measurement_time"] = times[0] if times else None
    metadata["measurement_count"] = len(found)
    plates = _distinct(m.sample.plate for m in found)
    metadata["plate_id"] = plates[0] if len(plates) == 1 else None
    metadata["plate_ids"] = ", ".join(plates) if plates else None
    samples = _distinct(m.sample.sample_id for m in found)
    metadata["sample_id"] = samples[0] if len(samples) == 1 else None
    if document.technique == LIQUID_CHROMATOGRAPHY:
        metadata.update(_injection_metadata(found))
    return {k: v for k, v in metadata.items() if v is not None}


def _system_documents(document: AsmDocument, key: str) -> list[AsmNode]:
    node = document.aggregate.child(key)
    if node is None:
        return []
    return [node, *node.documents("device"), *node.children("device document")]


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _injection_metadata(found: list[Measurement]) -> dict[str, Scalar]:
    injections = [i for m in found if (i := m.node.child("injection document")) is not None]
    metadata: dict[str, Scalar] = {}
    times = _distinct(i.text("injection time") for i in injections)
    if len(times) == 1:
        metadata["injection_time"] = times[0]
    ids = _distinct(i.text("injection identifier") for i in injections)
    if len(ids) == 1:
        metadata["injection"] = ids[0]
    volumes = {(q.value, q.unit) for i in injections if (q := i.quantity("injection volume setting"))}
    if len(volumes) == 1:
        value, unit = next(iter(volumes))
        metadata["injection_volume"], metadata["injection_volume_unit"] = value, unit
    names = _distinct(m.sample.name for m in found)
    if len(names) == 1:
        metadata["sample_name"] = names[0]
    metadata["injection_count"] = len(ids)
    return metadata
