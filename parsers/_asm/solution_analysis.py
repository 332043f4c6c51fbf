"""Solution analysis (bioprocess analysers such as Cedex BioHT): one result row per sample and analyte.

Each analyte document names its analyte and holds one concentration (mass, molar, or an activity), kept
with its unit in ``value``/``value_unit``; values measured on the sample as a whole (pH, osmolality, an
absorbance) become rows named after the quantity. An error whose feature starts with the analyte's name
(``asparagine - High with Pre - Dilution``) empties that analyte's value and is kept beside it.
"""

from __future__ import annotations

from parsers._asm import vocabulary as c
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Measurement, measurements
from parsers._asm.node import AsmNode, Quantity
from parsers._asm.rows import Row
from parsers._asm.technique_output import TechniqueOutput


def read_solution_analysis(document: AsmDocument) -> TechniqueOutput:
    output = TechniqueOutput()
    for measurement in measurements(document):
        shared = Row()
        for name, value in measurement.sample.custom.items():
            shared.extra(name, value)
        for name, quantity in measurement.node.quantities():
            if name in c.CONDITION_QUANTITIES:
                shared.extra(name, quantity.value, quantity.unit)
        for name, quantity in measurement.node.quantities():
            if name not in c.CONDITION_QUANTITIES:
                output.rows.append(_row(measurement, shared, name, quantity, None))
        for analyte in measurement.node.documents("analyte"):
            name = analyte.text("analyte name") or "unnamed analyte"
            quantities = list(analyte.quantities())
            quantity = quantities[0][1] if quantities else Quantity(None, None)
            row = _row(measurement, shared, name, quantity, analyte)
            if quantities:
                row.extra("quantity", quantities[0][0])
            output.rows.append(row)
    return output.finish()


def _row(
    measurement: Measurement, shared: Row, analyte: str, quantity: Quantity, node: AsmNode | None
) -> Row:
    error = _error(measurement, analyte)
    row = Row(
        values={
            "sample_id": measurement.sample.sample_id,
            "analyte": analyte,
            "value": None if error else quantity.value,
            "value_unit": None if quantity.unit in (None, "(unitless)") else quantity.unit,
            "error": error,
            "measurement_time": measurement.time,
        },
        extras=dict(shared.extras),
    )
    if node is not None:
        for name, value in node.custom_information().items():
            row.extra(name, value)
    return row


def _error(measurement: Measurement, analyte: str) -> str | None:
    wanted = analyte.lower()
    for feature, text in measurement.errors.items():
        if feature == wanted or feature.startswith(f"{wanted} "):
            return text
    return None
