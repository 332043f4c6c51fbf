"""The ASM walker of ``asm_reference`` on a hand-made ASM document, so a walker that finds nothing fails."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.support.asm_reference import (
    asm_peaks,
    assert_peaks_match,
    in_our_area_unit,
    in_our_signal_unit,
    time_in_min,
)


def _hand_made_asm(tmp_path: Path) -> Path:
    peak = {
        "written name": "Caffeine",
        "retention time": {"value": 90.0, "unit": "s"},
        "peak area": {"value": 120.0, "unit": "mAU.s"},
        "peak height": {"value": 7.5, "unit": "mAU"},
    }
    measurement = {
        "injection document": {"injection identifier": "inj-1"},
        "device control aggregate document": {"device control document": [{"device type": "UV_VIS_1"}]},
        "processed data aggregate document": {"processed data document": [{"peak list": {"peak": [peak]}}]},
    }
    document = {
        "liquid chromatography aggregate document": {
            "liquid chromatography document": [
                {"measurement aggregate document": {"measurement document": [measurement]}}
            ]
        }
    }
    path = tmp_path / "asm.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_asm_walker_finds_peaks_with_injection_device_and_units(tmp_path: Path) -> None:
    (peak,) = asm_peaks(_hand_made_asm(tmp_path))
    assert (peak.injection, peak.device, peak.name) == ("inj-1", "UV_VIS_1", "Caffeine")
    assert peak.values["retention time"] == (90.0, "s")


def test_unit_conversions_to_ours() -> None:
    assert time_in_min(90.0, "s") == pytest.approx(1.5)
    assert in_our_area_unit(120.0, "mAU.s", "mAU*min") == pytest.approx(2.0)
    assert in_our_area_unit(394.015, "mAU.s", "µV*s") == pytest.approx(394015.0)
    assert in_our_signal_unit(94.46, "mAU", "µV") == pytest.approx(94460.0)


def test_unknown_asm_unit_fails_instead_of_being_assumed() -> None:
    with pytest.raises(AssertionError, match="unexpected ASM time unit"):
        time_in_min(1.0, "h")
    with pytest.raises(AssertionError, match="no conversion"):
        in_our_signal_unit(1.0, "nC", "mAU")


def test_peak_comparison_detects_a_wrong_area(tmp_path: Path) -> None:
    (peak,) = asm_peaks(_hand_made_asm(tmp_path))
    row = {
        "injection": "inj-1",
        "peak_name": "Caffeine",
        "retention_time_min": 1.5,
        "area": 2.0,
        "area_unit": "mAU*min",
        "height": 7.5,
        "height_unit": "mAU",
    }
    assert assert_peaks_match(pd.DataFrame([row]), [peak], injection_column="injection") == 1
    with pytest.raises(AssertionError, match="area"):
        assert_peaks_match(pd.DataFrame([{**row, "area": 2.1}]), [peak], injection_column="injection")
