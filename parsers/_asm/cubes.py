"""ASM data cubes (a chromatogram, a kinetic read, a spectrum, an amplification curve) -> traces.

A cube states its axes in ``cube-structure`` (``dimensions`` and ``measures``, each with a concept and a
unit) and its points in ``data`` (one list per dimension and per measure). Cubes over time (chromatograms,
kinetic reads) become :class:`ingest.models.Trace` objects in minutes; cubes over anything else
(wavelength spectra, PCR cycles) have no place in the trace contract and are only counted, so the
parser can say what it left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest.models import Trace
from parsers._asm import vocabulary as c
from parsers._asm.node import AsmNode, is_cube
from parsers._common.traces import trace_from_points


@dataclass(frozen=True)
class Cube:
    key: str
    label: str | None
    dimension: str | None
    dimension_unit: str | None
    measure: str | None
    measure_unit: str | None
    x: Sequence[Any]
    y: Sequence[Any]

    @property
    def over_time(self) -> bool:
        return self.dimension_unit in c.MINUTES_PER


def cubes_in(node: AsmNode) -> Iterator[Cube]:
    """The data cubes directly in ``node``, first dimension and first measure each."""
    for key, value in node.obj.items():
        if not is_cube(value):
            continue
        cube = AsmNode(value, file=node.file, where=f"{node.where}.{key}")
        structure = cube.child("cube-structure")
        data = cube.child("data")
        if structure is None or data is None:
            continue
        dimensions = structure.children("dimensions")
        measures = structure.children("measures")
        xs = data.obj.get("dimensions") or [[]]
        ys = data.obj.get("measures") or [[]]
        if not isinstance(xs, list) or not isinstance(ys, list) or not xs or not ys:
            raise cube.fail("data", data.obj, "lists of dimension and measure values")
        x, y = xs[0], ys[0]
        if not isinstance(x, list) or not isinstance(y, list) or len(x) != len(y):
            raise cube.fail("data", data.obj, "a dimension list and a measure list of the same length")
        yield Cube(
            key=key,
            label=cube.text("label"),
            dimension=dimensions[0].text("concept") if dimensions else None,
            dimension_unit=dimensions[0].text("unit") if dimensions else None,
            measure=measures[0].text("concept") if measures else None,
            measure_unit=measures[0].text("unit") if measures else None,
            x=x,
            y=y,
        )


def trace_of(cube: Cube, channel: str) -> Trace:
    """A time cube as a trace (times in minutes, nulls as NaN)."""
    factor = c.MINUTES_PER[cube.dimension_unit or "min"]
    times = np.array([np.nan if v is None else float(v) for v in cube.x], dtype="float64") * factor
    signal = np.array([np.nan if v is None else float(v) for v in cube.y], dtype="float64")
    unit = None if cube.measure_unit in (None, "(unitless)") else cube.measure_unit
    return trace_from_points(channel, times, signal, signal_unit=unit)
