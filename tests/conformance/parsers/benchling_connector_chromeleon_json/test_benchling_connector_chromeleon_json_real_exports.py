"""Chromeleon connector JSON parser against the real connector exports and allotropy's ASM for them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.benchling_connector_chromeleon_json.parser import ChromeleonConnectorJsonParser
from parsers.benchling_connector_empower_json.parser import EmpowerConnectorJsonParser
from tests.support.asm_reference import asm_peaks, assert_peaks_match
from tests.support.golden import Golden
from tests.support.parser_snapshots import connector_snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = Path("allotropy-asm") / "benchling_chromeleon"
SAMPLES = ("chromeleon_example", "chromeleon_example_multi_signal", "chromeleon_example_null_device_info")


def _input(root: Path, sample: str) -> Path:
    return root / FOLDER / "input" / f"{sample}.json"


def parse(path: Path) -> ParsedFile:
    head = path.read_bytes()[:65536]
    assert ChromeleonConnectorJsonParser().sniff(head, path), f"{path.name} is not claimed by sniff()"
    assert not EmpowerConnectorJsonParser().sniff(head, path), f"{path.name} is also claimed by Empower"
    return validate_parsed(ChromeleonConnectorJsonParser().parse(path), file=path)


def test_every_input_is_covered(instrument_exports: Path) -> None:
    found = sorted(p.stem for p in (instrument_exports / FOLDER / "input").glob("*.json"))
    assert found == sorted(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES)
def test_peak_counts_per_injection_and_signal_match_the_file(instrument_exports: Path, sample: str) -> None:
    path = _input(instrument_exports, sample)
    raw = json.loads(path.read_text(encoding="utf-8"))
    expected = {
        (str(inj["injection number"]), sig["signal name"]): len(sig["peaks"])
        for inj in raw["injections"]
        for sig in inj["signals"]
    }
    results = parse(path).results
    counted = results.groupby(["injection", "signal"]).size().to_dict()
    assert counted == {key: n for key, n in expected.items() if n}


@pytest.mark.parametrize("sample", SAMPLES)
def test_peaks_match_allotropy_one_to_one(instrument_exports: Path, sample: str) -> None:
    parsed = parse(_input(instrument_exports, sample))
    expected = asm_peaks(instrument_exports / FOLDER / "output" / f"{sample}.json")
    assert expected, "the ASM walker found no peaks"
    compared = assert_peaks_match(parsed.results, expected, injection_column="injection_identifier")
    assert compared == len(parsed.results)
    assert [p.device for p in expected] == parsed.results["signal"].tolist()


@pytest.mark.parametrize("sample", SAMPLES)
def test_whole_output_matches_golden(instrument_exports: Path, sample: str, golden: Golden) -> None:
    golden.check(
        REAL_EXPORTS / f"{sample}.json",
        connector_snapshot(parse(_input(instrument_exports, sample))),
    )


def test_sequence_of_21_injections(instrument_exports: Path) -> None:
    parsed = parse(_input(instrument_exports, "chromeleon_example"))
    meta = parsed.metadata
    assert meta["sequence"] == "Content Uniformity Stage 1 (10 units) 2011-08-17 15-34-22"
    assert meta["sequence_directory"] == "Suppositories - 3 Peaks"
    assert meta["operator"] == "anatoliy.kolesnick"
    assert meta["uv_model_number"] == "DAD-3000RS"
    assert "sampler_model_number" not in meta  # null in the export
    assert meta["injection_count"] == 21
    # Every injection used 10 µl, so the volume is run-level; names and times differ, so they are not.
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µl")
    assert "sample_name" not in meta and "injection_time" not in meta
    results = parsed.results
    assert len(results) == 63
    first = results.iloc[0]
    assert (first["sample_name"], first["injection"], first["signal"]) == ("Blank", "1", "UV_VIS_1")
    assert (first["peak_number"], first["peak_name"]) == (1, "Substance 1")
    assert first["retention_time_min"] == pytest.approx(0.19233333333333336, rel=1e-12)
    assert first["area"] == pytest.approx(3.048328868007354, rel=1e-12)
    assert (first["area_unit"], first["height_unit"]) == ("mAU*min", "mAU")
    assert first["height"] == pytest.approx(111.28958058334837, rel=1e-12)
    assert first["area_percent"] == pytest.approx(40.9093439254137, rel=1e-12)
    assert first["amount"] == pytest.approx(100.0)
    assert first["plates"] == pytest.approx(312.0)
    assert first["resolution_usp"] == pytest.approx(1.7453679568237164)
    assert first["injection_time"] == "2011-07-15T16:27:39+01:00"
    assert first["sample_type"] == "Blank"
    assert first["vial"] == "RA1"
    last = results.iloc[-1]
    assert (last["sample_name"], last["injection"], last["sample_type"]) == (
        "Check Standard",
        "21",
        "CheckStandard",
    )
    assert set(results["sample_type"]) == {"Blank", "CheckStandard", "CalibrationStandard", "Unknown"}
    assert len(parsed.traces) == 21 and all(t.signal_unit == "mAU" for t in parsed.traces)


def test_multi_signal_injection_keeps_each_signal(instrument_exports: Path) -> None:
    parsed = parse(_input(instrument_exports, "chromeleon_example_multi_signal"))
    assert [t.channel for t in parsed.traces] == ["UV_VIS_1 (injection 1)", "UV_VIS_2 (injection 1)"]
    assert parsed.traces[1].data["signal"].tolist() == [0.0, 0.3, 0.8, 0.3, 0.0]
    (row,) = parsed.results.itertuples()
    assert (row.signal, row.peak_name, row.area, row.signal_wavelength_nm) == (
        "UV_VIS_2",
        "Peak1",
        8000.0,
        280.0,
    )
    # A single injection: its sample values are the run's.
    meta = parsed.metadata
    assert (meta["sample_name"], meta["injection_time"], meta["vial"]) == (
        "MQW",
        "2026-02-14T21:52:50+01:00",
        "B:A1",
    )


def test_null_device_information_and_non_absorbance_signals(instrument_exports: Path) -> None:
    parsed = parse(_input(instrument_exports, "chromeleon_example_null_device_info"))
    assert not any(key.endswith("model_number") for key in parsed.metadata)
    results = parsed.results
    assert results["sample_id"].tolist() == ["SAMPLE-001", "STD-001"]
    assert results["signal"].tolist() == ["FLD1_Signal_A", "CD_1"]
    # Fluorescence and conductivity units are not in the export: left empty and said so.
    assert results["area_unit"].isna().all() and results["height_unit"].isna().all()
    assert any("CD_1" in w and "FLD1_Signal_A" in w for w in parsed.warnings)
    assert results["sample_description"].tolist()[0] == "test description"


@pytest.mark.parametrize("sample", SAMPLES)
def test_registry_chooses_this_parser(instrument_exports: Path, sample: str) -> None:
    path = _input(instrument_exports, sample)
    registry = discover_parsers(third_party=False)
    assert registry.choose(path).name == ChromeleonConnectorJsonParser.name
    via_registry = registry.parse(path)
    pd.testing.assert_frame_equal(via_registry.results, parse(path).results)
