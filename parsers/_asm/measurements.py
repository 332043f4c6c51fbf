"""Walking an ASM document: its measurements with their context, and its calculated data.

Every technique nests measurements the same way: ``<technique> document`` items, each with a
``measurement aggregate document`` (values shared by its measurements: time, plate, container) holding
``measurement document`` items (the sample, device settings, the measured quantities, processed data).
Calculated data (a concentration from a standard curve, a Ct mean) refer to the measurements they were
computed from by ``data source identifier``. A measurement time at the Unix epoch is allotropy's
placeholder for "no time in the file" and reads as missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from parsers._asm.document import AsmDocument
from parsers._asm.node import AsmNode, Quantity


@dataclass(frozen=True)
class Sample:
    """The sample document's identifiers (every one optional)."""

    sample_id: str | None = None
    name: str | None = None
    well: str | None = None
    plate: str | None = None
    role: str | None = None
    batch: str | None = None
    custom: dict[str, str | float | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    node: AsmNode
    group: AsmNode
    technique_document: AsmNode
    sample: Sample
    time: str | None
    identifier: str | None
    #: ``error feature`` (lower case) -> error text, of the measurement's own values.
    errors: dict[str, str]
    #: The same for the values of its group (a plate's well volume).
    group_errors: dict[str, str]
    #: The measurement's errors as written: ``"<feature>: <error>"`` joined by "; ", or None.
    error_text: str | None = None

    def device_controls(self) -> list[AsmNode]:
        return self.node.documents("device control")

    def device_text(self, key: str) -> str | None:
        """The first device control document's text value for ``key``."""
        return next((d.text(key) for d in self.device_controls() if d.text(key)), None)

    def device_quantity(self, key: str) -> Quantity | None:
        return next((q for d in self.device_controls() if (q := d.quantity(key)) is not None), None)

    def error_for(self, *features: str) -> str | None:
        for feature in features:
            error = self.errors.get(feature.lower())
            if error:
                return error
        return None


def measurements(document: AsmDocument) -> Iterator[Measurement]:
    """Every measurement document, in document order, with its group and sample."""
    for technique_document in document.technique_documents():
        group = technique_document.child("measurement aggregate document")
        if group is not None:
            group_errors = group.errors()
            for node in group.children("measurement document"):
                yield Measurement(
                    node=node,
                    group=group,
                    technique_document=technique_document,
                    sample=read_sample(node.child("sample document")),
                    time=_time(node.text("measurement time") or group.text("measurement time")),
                    identifier=node.text("measurement identifier"),
                    errors=node.errors(),
                    group_errors=group_errors,
                    error_text="; ".join(f"{f}: {e}" if f else e for f, e in node.error_pairs()) or None,
                )


def _time(text: str | None) -> str | None:
    # allotropy writes the Unix epoch where the instrument file states no time.
    return None if text is None or text.startswith(EPOCH) else text


EPOCH = "1970-01-01T00:00:00"


def read_sample(node: AsmNode | None) -> Sample:
    if node is None:
        return Sample()
    return Sample(
        sample_id=node.text("sample identifier"),
        name=node.text("written name"),
        well=node.text("well location identifier") or node.text("location identifier"),
        plate=node.text("well plate identifier"),
        role=node.text("sample role type"),
        batch=node.text("batch identifier"),
        custom=node.custom_information(),
    )


@dataclass(frozen=True)
class Calculated:
    """One calculated data document: its name, result and the measurements it was computed from."""

    identifier: str | None
    name: str
    result: Quantity
    description: str | None
    sources: tuple[str, ...]
    error: str | None


def calculated_data(document: AsmDocument) -> list[Calculated]:
    """The calculated data of the document (at the top, and inside technique documents)."""
    holders = [document.aggregate, *document.technique_documents()]
    found: list[Calculated] = []
    for holder in holders:
        for node in holder.documents("calculated data"):
            name = node.text("calculated data name") or "calculated value"
            result = node.quantity("calculated result") or Quantity(None, None)
            sources = tuple(
                s
                for d in node.documents("data source")
                if (s := d.text("data source identifier")) is not None
            )
            errors = node.errors()
            found.append(
                Calculated(
                    identifier=node.text("calculated data identifier"),
                    name=name,
                    result=result,
                    description=node.text("calculation description"),
                    sources=sources,
                    error=errors.get(name.lower()) or next(iter(errors.values()), None),
                )
            )
    return found
