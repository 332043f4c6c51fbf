"""Plate reader, spectrophotometry and any other technique: one result row per value.

A measurement document gives one *measured* row per quantity it holds (absorbance, fluorescence,
luminescence, optical density...), with the sample, well, plate, wavelengths and time; quantities of its
processed data documents (a NanoDrop's mass concentration) and every calculated data document (SoftMax
Pro's reduced values, Gen5's concentrations from a standard curve) give *calculated* rows, placed on the
well and sample of the measurement they were computed from. Where the converter left a placeholder and
an error (``OVRFLW``, ``<0.000``) the value is empty and the error is kept; an error that names no value
of the document becomes a row of its own, so no reported problem is lost. A data cube (a kinetic read,
a spectrum) gives a row without a value that names it (and the trace it became, for a cube over time).
Conditions (temperature), device settings and custom information become extra columns.
"""

from __future__ import annotations

from parsers._asm import vocabulary as c
from parsers._asm.cubes import cubes_in, trace_of
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Calculated, Measurement, calculated_data, measurements
from parsers._asm.node import AsmNode, Quantity
from parsers._asm.rows import Row
from parsers._asm.technique_output import TechniqueOutput

_CONTRACT_SETTINGS = frozenset(
    {"device type", "detection type", "detector wavelength setting", "excitation wavelength setting"}
)


def read_value_rows(document: AsmDocument) -> TechniqueOutput:
    output = TechniqueOutput()
    by_id: dict[str, Measurement] = {}
    context: dict[str, Row] = {}  # measurement id -> the extras its calculated rows share
    covered: set[tuple[str, str]] = set()  # (measurement id, feature) a row states the error of
    calculations = calculated_data(document)
    calculated_features = {(s, calc.name.lower()) for calc in calculations for s in calc.sources}
    for index, measurement in enumerate(measurements(document)):
        key = measurement.identifier or f"#{index}"
        by_id[key] = measurement
        shared = _shared_extras(measurement)
        context[key] = shared
        detection = measurement.device_text("detection type")
        _refuse_bare_numbers(measurement)
        for name, quantity in measurement.node.quantities():
            if name in c.CONDITION_QUANTITIES:
                continue
            error = measurement.error_for(name, detection or name)
            covered.update({(key, name.lower()), (key, (detection or name).lower())})
            output.rows.append(_row(measurement, shared, name, quantity, c.MEASURED, error))
        for processed in measurement.node.documents("processed data"):
            for name, quantity in processed.quantities():
                covered.add((key, name.lower()))
                row = _row(measurement, shared, name, quantity, c.CALCULATED, measurement.error_for(name))
                output.rows.append(row)
        _cubes(measurement, shared, output)
        for feature, error in measurement.node.error_pairs():
            lowered = feature.lower()
            if (key, lowered) not in covered and (key, lowered) not in calculated_features:
                covered.add((key, lowered))
                row = _row(measurement, shared, feature, Quantity(None, None), c.MEASURED, error)
                output.rows.append(row)
    for calc in calculations:
        output.rows.append(_calculated_row(calc, by_id, context))
    return output.finish()


def _refuse_bare_numbers(measurement: Measurement) -> None:
    # A measured value without its unit would be a number of unknown meaning: ASM always pairs them.
    for name, value in measurement.node.scalars():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise measurement.node.fail(name, value, 'a quantity like {"value": 1.5, "unit": "mAU"}')


def _shared_extras(measurement: Measurement) -> Row:
    """Extras every row of a measurement carries: conditions, device settings, custom information."""
    row = Row()
    for source, errors in (
        (measurement.node, measurement.errors),
        (measurement.group, measurement.group_errors),
    ):
        for name, quantity in source.quantities():
            if name in c.CONDITION_QUANTITIES and name.lower() not in errors:
                row.extra(name, quantity.value, quantity.unit)
    for device in measurement.device_controls():
        _settings(device, row)
    for name, value in measurement.sample.custom.items():
        row.extra(name, value)
    if measurement.sample.name:
        row.extra("sample name", measurement.sample.name)
    if measurement.sample.role:
        row.extra("sample role", measurement.sample.role)
    for name, value in measurement.node.custom_information().items():
        row.extra(name, value)
    return row


def _settings(device: AsmNode, row: Row) -> None:
    for name, value in device.scalars():
        if name not in _CONTRACT_SETTINGS:
            row.extra(name, value)
    for name, quantity in device.quantities():
        if name not in _CONTRACT_SETTINGS:
            row.extra(name, quantity.value, quantity.unit)
    for name, value in device.custom_information().items():
        row.extra(name, value)


def _row(
    measurement: Measurement,
    shared: Row,
    read_type: str,
    quantity: Quantity,
    kind: str,
    error: str | None,
) -> Row:
    wavelength = measurement.device_quantity("detector wavelength setting")
    excitation = measurement.device_quantity("excitation wavelength setting")
    row = Row(
        values={
            "sample_id": measurement.sample.sample_id,
            "well": measurement.sample.well,
            "plate_id": measurement.sample.plate,
            "read_type": read_type,
            "result_kind": kind,
            "wavelength_nm": _nm(measurement, wavelength),
            "value": None if error else quantity.value,
            "value_unit": None if quantity.unit in (None, "(unitless)") else quantity.unit,
            "error": error,
            "measurement_time": measurement.time,
        },
        extras=dict(shared.extras),
    )
    if excitation is not None:
        row.values["excitation_wavelength_nm"] = _nm(measurement, excitation)
    return row


def _nm(measurement: Measurement, quantity: Quantity | None) -> float | None:
    # Luminescence reads state a wavelength of 0 nm: no wavelength was selected.
    if quantity is None or quantity.value is None or quantity.value == 0:
        return None
    if quantity.unit not in (None, "nm"):
        raise measurement.node.fail("detector wavelength setting", quantity, "a wavelength in nm")
    return quantity.value


def _calculated_row(calc: Calculated, by_id: dict[str, Measurement], context: dict[str, Row]) -> Row:
    """A calculated value's row, on its source measurements' sample, well and wavelength where they all
    agree (a group mean over several wells belongs to none of them)."""
    sources = [by_id[s] for s in calc.sources if s in by_id]
    first = sources[0] if sources else None
    error = calc.error or (first.error_for(calc.name) if first is not None else None)
    if first is None:
        row = Row(
            values={
                "read_type": calc.name,
                "result_kind": c.CALCULATED,
                "value": None if error else calc.result.value,
                "value_unit": None if calc.result.unit in (None, "(unitless)") else calc.result.unit,
                "error": error,
            }
        )
    else:
        rows = [_row(m, Row(), calc.name, calc.result, c.CALCULATED, error) for m in sources]
        row = rows[0]
        for column in _PER_SOURCE:
            if any(r.values.get(column) != row.values.get(column) for r in rows[1:]):
                row.values[column] = None
        if all(m.sample.well == first.sample.well for m in sources):
            row.extras = dict(context.get(first.identifier or "", Row()).extras)
    if calc.description:
        row.extra("calculation description", calc.description)
    if len(calc.sources) > 1:
        row.extra("data sources", len(calc.sources))
    return row


_PER_SOURCE = (
    "sample_id",
    "well",
    "plate_id",
    "wavelength_nm",
    "excitation_wavelength_nm",
    "measurement_time",
)


def _cubes(measurement: Measurement, shared: Row, output: TechniqueOutput) -> None:
    """A row per data cube (a kinetic read, a spectrum) naming it: the values are the trace, or left out."""
    for cube in cubes_in(measurement.node):
        name = cube.label or cube.key
        row = _row(
            measurement, shared, cube.measure or cube.key, Quantity(None, cube.measure_unit), c.MEASURED, None
        )
        row.extra("data cube", name)
        row.extra("data cube points", len(cube.x))
        if cube.over_time:
            where = " ".join(p for p in (measurement.sample.plate, measurement.sample.well) if p)
            channel = f"{where} {name}".strip()
            output.traces.append(trace_of(cube, channel))
            row.extra("trace", channel)
        else:
            output.skip_cube(cube.key)
        output.rows.append(row)
