"""Reading allotropy's Allotrope Simple Model (ASM) output as an independent expected answer.

The ``output/*.json`` beside each connector input in ``allotropy-asm/`` is what allotropy made of the same
file. This module walks those documents down to their peaks and converts each value into our units, so
the connector conformance tests can compare peak by peak. ``test_benchling_connector_asm.py`` tests the
walker on a hand-made ASM document, so a walker that silently finds nothing cannot pass.

Units: ASM states one per value (``{"value": 74.9, "unit": "s"}``); every unit string is checked against
the tables below and an unknown one fails the test rather than being assumed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

#: Minutes per time unit.
TIME_IN_MIN = {"s": 1 / 60, "min": 1.0}

# Signal units relative to ours. allotropy reports Empower's µV-based heights and areas as mAU by
# dividing by 1000 (a 1 V = 1 AU detector output); Chromeleon's connector states no signal unit at all
# and allotropy labels every channel mAU, so for a result with no signal unit of ours the values are
# compared as they stand.
SIGNAL_FACTOR = {("mAU", "mAU"): 1.0, ("mAU", "µV"): 1000.0, ("AU", "mAU"): 1000.0}


@dataclass(frozen=True)
class AsmPeak:
    injection: str
    device: str | None
    name: str | None
    values: dict[str, tuple[float, str]]  # ASM field -> (value, unit)


def _measurement_documents(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "measurement document" and isinstance(value, list):
                yield from (doc for doc in value if isinstance(doc, dict))
            else:
                yield from _measurement_documents(value)
    elif isinstance(node, list):
        for item in node:
            yield from _measurement_documents(item)


def _peaks_under(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "peak list" and isinstance(value, dict):
                yield from (p for p in value.get("peak", []) if isinstance(p, dict))
            else:
                yield from _peaks_under(value)
    elif isinstance(node, list):
        for item in node:
            yield from _peaks_under(item)


def asm_peaks(path: Path) -> list[AsmPeak]:
    """Every peak of an ASM document in document order, with its injection identifier and device type."""
    document = json.loads(path.read_text(encoding="utf-8"))
    peaks: list[AsmPeak] = []
    for measurement in _measurement_documents(document):
        injection = str(measurement.get("injection document", {}).get("injection identifier"))
        devices = measurement.get("device control aggregate document", {}).get("device control document", [])
        device = devices[0].get("device type") if devices else None
        for peak in _peaks_under(measurement.get("processed data aggregate document", {})):
            values = {
                key: (float(v["value"]), str(v["unit"]))
                for key, v in peak.items()
                if isinstance(v, dict) and "value" in v and "unit" in v
            }
            peaks.append(
                AsmPeak(injection=injection, device=device, name=peak.get("written name"), values=values)
            )
    return peaks


def time_in_min(value: float, unit: str) -> float:
    assert unit in TIME_IN_MIN, f"unexpected ASM time unit {unit!r}"
    return value * TIME_IN_MIN[unit]


def in_our_signal_unit(value: float, asm_unit: str, our_unit: str | None) -> float:
    """An ASM height in our height unit (see SIGNAL_FACTOR for a missing unit of ours)."""
    if our_unit is None:
        return value
    key = (asm_unit, our_unit)
    assert key in SIGNAL_FACTOR, f"no conversion from ASM {asm_unit!r} to {our_unit!r}"
    return value * SIGNAL_FACTOR[key]


def in_our_area_unit(value: float, asm_unit: str, our_unit: str | None) -> float:
    """An ASM area such as ``mAU.s`` in our area unit such as ``mAU*min`` or ``µV*s``."""
    asm_signal, _, asm_time = asm_unit.rpartition(".")
    if our_unit is None:
        our_signal, our_time = None, "min"
    else:
        our_signal, _, our_time = our_unit.rpartition("*")
    signal = in_our_signal_unit(value, asm_signal, our_signal)
    # signal x asm_time -> signal x our_time: divide by the length of our time unit in ASM's.
    return signal * TIME_IN_MIN[asm_time] / TIME_IN_MIN[our_time]


def assert_close(ours: Any, theirs: float, what: str) -> None:
    assert ours is not None and not pd.isna(ours), f"{what}: ours is missing, allotropy has {theirs}"
    assert math.isclose(float(ours), theirs, rel_tol=1e-6, abs_tol=1e-12), (
        f"{what}: ours {ours}, theirs {theirs}"
    )


def assert_peaks_match(results: pd.DataFrame, expected: list[AsmPeak], *, injection_column: str) -> int:
    """Our results equal allotropy's peaks one to one, in order; returns the number compared."""
    assert len(results) == len(expected), f"{len(results)} peaks parsed, allotropy found {len(expected)}"
    for (_, row), peak in zip(results.iterrows(), expected, strict=True):
        what = f"injection {peak.injection} peak {peak.name!r}"
        assert str(row[injection_column]) == peak.injection, what
        assert (None if pd.isna(row["peak_name"]) else row["peak_name"]) == peak.name, what
        rt, rt_unit = peak.values["retention time"]
        assert_close(row["retention_time_min"], time_in_min(rt, rt_unit), f"{what} retention time")
        area, area_unit = peak.values["peak area"]
        our_area_unit = None if pd.isna(row["area_unit"]) else row["area_unit"]
        assert_close(row["area"], in_our_area_unit(area, area_unit, our_area_unit), f"{what} area")
        height, height_unit = peak.values["peak height"]
        our_height_unit = None if pd.isna(row["height_unit"]) else row["height_unit"]
        assert_close(
            row["height"], in_our_signal_unit(height, height_unit, our_height_unit), f"{what} height"
        )
        if "relative peak area" in peak.values:
            value, unit = peak.values["relative peak area"]
            assert unit == "%"
            assert_close(row["area_percent"], value, f"{what} relative area")
        for field, column in (("peak start", "start_time_min"), ("peak end", "end_time_min")):
            if field in peak.values:
                assert_close(row[column], time_in_min(*peak.values[field]), f"{what} {field}")
    return len(expected)
