"""Cell counting: one result row per measurement document (one counted sample).

The densities, viability, counts and diameters of the processed data are converted into the units the
cell counting contract fixes (10^6 cells/mL, %, cells, µm); a unit the parser cannot convert is a
ParseError rather than a silently wrong number. Other processed values (circularity), processing
settings (dilution factor, diameter limits) and custom information become extra columns.
"""

from __future__ import annotations

from ingest.errors import ParseError
from parsers._asm import vocabulary as c
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Measurement, measurements
from parsers._asm.node import AsmNode, Quantity
from parsers._asm.rows import Row
from parsers._asm.technique_output import TechniqueOutput


def read_cell_counting(document: AsmDocument) -> TechniqueOutput:
    output = TechniqueOutput()
    for measurement in measurements(document):
        output.rows.append(_row(measurement))
    return output.finish()


def _row(measurement: Measurement) -> Row:
    row = Row(
        values={
            "sample_id": measurement.sample.sample_id,
            "error": measurement.error_text,
            "measurement_time": measurement.time,
        }
    )
    sources = [measurement.node, *measurement.node.documents("processed data")]
    for source in sources:
        for name, quantity in source.quantities():
            field = c.CELL_COUNTING_FIELDS.get(name)
            if field is None:
                row.extra(name, quantity.value, quantity.unit)
                continue
            column, factors = field
            if column not in row.values and name.lower() not in measurement.errors:
                row.values[column] = _converted(source, name, quantity, factors)
        for name, value in source.scalars():
            if source is not measurement.node:
                row.extra(name, value)
        for name, value in source.custom_information().items():
            row.extra(name, value)
        for setting in source.children("data processing document"):
            _settings(setting, row)
    for device in measurement.device_controls():
        _settings(device, row)
    for name, value in measurement.sample.custom.items():
        row.extra(name, value)
    if measurement.sample.name:
        row.extra("sample name", measurement.sample.name)
    return row


def _settings(node: AsmNode, row: Row) -> None:
    for name, value in node.scalars():
        if name != "device type":
            row.extra(name, value)
    for name, quantity in node.quantities():
        row.extra(name, quantity.value, quantity.unit)
    for name, value in node.custom_information().items():
        row.extra(name, value)


def _converted(node: AsmNode, name: str, quantity: Quantity, factors: dict[str, float]) -> float | None:
    if quantity.value is None:
        return None
    factor = factors.get(quantity.unit or "")
    if factor is None:
        raise ParseError(
            f"Unable to convert '{name}' at {node.where} in '{node.file}': found the unit {quantity.unit!r}. "
            f"Expected one of {sorted(factors)}.",
            file=node.file,
            column=name,
            json_path=node.where,
        )
    return quantity.value * factor
