"""Liquid chromatography: one result row per peak (per injection and detector channel).

Peaks are the ``peak list`` items of each measurement's processed data; retention time is converted
to minutes (ASM writers state seconds), area and height keep the units the document states, relative
area is the area percent. Chromatogram data cubes over time become traces; the injection's time and
volume are kept per row (and are run metadata when every injection shares them).
"""

from __future__ import annotations

from parsers._asm import vocabulary as c
from parsers._asm.cubes import cubes_in, trace_of
from parsers._asm.document import AsmDocument
from parsers._asm.measurements import Measurement, measurements
from parsers._asm.node import AsmNode, Quantity
from parsers._asm.rows import Row
from parsers._asm.technique_output import TechniqueOutput

_PEAK_CONTRACT = frozenset(
    {
        "identifier",
        "peak index",
        "written name",
        "retention time",
        "peak area",
        "peak height",
        "relative peak area",
    }
)


def read_liquid_chromatography(document: AsmDocument) -> TechniqueOutput:
    output = TechniqueOutput()
    for measurement in measurements(document):
        injection = measurement.node.child("injection document")
        signal = _signal(measurement)
        shared = Row()
        if injection is not None:
            shared.extra("injection time", injection.text("injection time"))
            volume = injection.quantity("injection volume setting")
            if volume is not None:
                shared.extra("injection volume", volume.value, volume.unit)
        if measurement.sample.well:
            shared.extra("vial", measurement.sample.well)
        for processed in measurement.node.documents("processed data"):
            peak_list = processed.child("peak list")
            for peak in peak_list.children("peak") if peak_list is not None else []:
                output.rows.append(_peak_row(measurement, injection, signal, shared, peak))
        for cube in cubes_in(measurement.node):
            if cube.over_time:
                name = " ".join(p for p in (measurement.sample.name, cube.label or signal) if p)
                output.traces.append(trace_of(cube, name or cube.key))
            else:
                output.skip_cube(cube.key)
    return output.finish()


def _signal(measurement: Measurement) -> str | None:
    devices = measurement.device_controls()
    wavelength = measurement.device_quantity("detector wavelength setting")
    name = devices[0].text("device type") if devices else None
    if wavelength is not None and wavelength.value:
        return f"{name or 'detector'} {wavelength.value:g} nm"
    return name


def _peak_row(
    measurement: Measurement, injection: AsmNode | None, signal: str | None, shared: Row, peak: AsmNode
) -> Row:
    area = peak.quantity("peak area") or Quantity(None, None)
    height = peak.quantity("peak height") or Quantity(None, None)
    index = peak.text("peak index")
    row = Row(
        values={
            "sample_id": measurement.sample.sample_id,
            "sample_name": measurement.sample.name,
            "injection": injection.text("injection identifier") if injection is not None else None,
            "signal": signal,
            "peak_number": int(index) if index and index.isdigit() else None,
            "peak_name": peak.text("written name"),
            "retention_time_min": _minutes(peak, "retention time"),
            "area": area.value,
            "area_unit": area.unit,
            "height": height.value,
            "height_unit": height.unit,
            "area_percent": _percent(peak, "relative peak area"),
        },
        extras=dict(shared.extras),
    )
    for name, quantity in peak.quantities():
        if name in _PEAK_CONTRACT:
            continue
        if quantity.unit in c.MINUTES_PER and quantity.value is not None:
            row.extra(f"{name} min", quantity.value * c.MINUTES_PER[quantity.unit], "min")
        else:
            row.extra(name, quantity.value, quantity.unit)
    for name, value in peak.scalars():
        if name not in _PEAK_CONTRACT:
            row.extra(name, value)
    return row


def _minutes(node: AsmNode, key: str) -> float | None:
    quantity = node.quantity(key)
    if quantity is None or quantity.value is None:
        return None
    factor = c.MINUTES_PER.get(quantity.unit or "")
    if factor is None:
        raise node.fail(key, quantity, f"a time in one of {sorted(c.MINUTES_PER)}")
    return quantity.value * factor


def _percent(node: AsmNode, key: str) -> float | None:
    quantity = node.quantity(key)
    if quantity is None or quantity.value is None:
        return None
    if quantity.unit not in ("%", None):
        raise node.fail(key, quantity, "a percentage (unit '%')")
    return quantity.value
