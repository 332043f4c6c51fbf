"""qPCR: one result row per measurement document, i.e. per well and target.

The Cq is the processed data's ``cycle threshold result (qPCR)`` (empty when the software calls the well
undetermined, or reports an error for it); the threshold it was read at is the data processing
document's ``cycle threshold value setting (qPCR)``. Other processed results (normalized reporter,
genotyping call), settings, custom information and calculated data computed from the well (Ct mean,
Ct SD, amplification score) become extra columns. Amplification curves are cubes over cycles, not time,
and are not kept.
"""

from __future__ import annotations

from parsers._asm.cubes import cubes_in
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Measurement, calculated_data, measurements
from parsers._asm.node import AsmNode
from parsers._asm.rows import Row
from parsers._asm.technique_output import TechniqueOutput

CQ = "cycle threshold result (qPCR)"
THRESHOLD = "cycle threshold value setting (qPCR)"
_CONTRACT_SETTINGS = frozenset({"device type", "reporter dye setting"})


def read_qpcr(document: AsmDocument) -> TechniqueOutput:
    output = TechniqueOutput()
    rows: dict[str, Row] = {}
    for index, measurement in enumerate(measurements(document)):
        row = _row(measurement, output)
        rows[measurement.identifier or f"#{index}"] = row
        output.rows.append(row)
    for calc in calculated_data(document):
        for source in calc.sources:
            if source in rows:
                rows[source].extra(calc.name, calc.result.value, calc.result.unit)
    return output.finish()


def _row(measurement: Measurement, output: TechniqueOutput) -> Row:
    processed = measurement.node.documents("processed data")
    cq = next((q for p in processed if (q := p.quantity(CQ)) is not None), None)
    settings = [d for p in processed if (d := p.child("data processing document")) is not None]
    threshold = next((q for s in settings if (q := s.quantity(THRESHOLD)) is not None), None)
    errors = measurement.errors
    row = Row(
        values={
            "well": measurement.sample.well,
            "sample_id": measurement.sample.sample_id,
            "sample_role": measurement.sample.role,
            "target": measurement.node.text("target DNA description"),
            "reporter_dye": measurement.device_text("reporter dye setting"),
            "cq": None if cq is None or CQ.lower() in errors else cq.value,
            "cq_threshold": None if threshold is None or THRESHOLD.lower() in errors else threshold.value,
            "error": measurement.error_text,
            "measurement_time": measurement.time,
        }
    )
    if measurement.sample.name:
        row.extra("sample name", measurement.sample.name)
    for name, value in measurement.sample.custom.items():
        row.extra(name, value)
    for device in measurement.device_controls():
        _extras(device, row, skip=_CONTRACT_SETTINGS)
    for document in processed:
        _extras(document, row, skip={CQ})
        for setting in document.children("data processing document"):
            _extras(setting, row, skip={THRESHOLD})
    for node in (measurement.node, *processed):
        for cube in cubes_in(node):
            output.skip_cube(cube.key)
    return row


def _extras(node: AsmNode, row: Row, *, skip: set[str] | frozenset[str]) -> None:
    for name, value in node.scalars():
        if name not in skip:
            row.extra(name, value)
    for name, quantity in node.quantities():
        if name not in skip:
            row.extra(name, quantity.value, quantity.unit)
    for name, value in node.custom_information().items():
        row.extra(name, value)
