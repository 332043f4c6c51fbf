"""Empower connector JSON parser against the real connector exports and allotropy's ASM for them."""

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
FOLDER = Path("allotropy-asm") / "benchling_empower"
SAMPLES = ("example_01", "example_with_blanks_and_stds")


def _input(root: Path, sample: str) -> Path:
    return root / FOLDER / "input" / f"{sample}.json"


def parse(path: Path) -> ParsedFile:
    head = path.read_bytes()[:65536]
    assert EmpowerConnectorJsonParser().sniff(head, path), f"{path.name} is not claimed by sniff()"
    assert not ChromeleonConnectorJsonParser().sniff(head, path), f"{path.name} is also claimed by Chromeleon"
    return validate_parsed(EmpowerConnectorJsonParser().parse(path), file=path)


def test_every_input_is_covered(instrument_exports: Path) -> None:
    found = sorted(p.stem for p in (instrument_exports / FOLDER / "input").glob("*.json"))
    assert found == sorted(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES)
def test_peak_counts_per_result_match_the_file(instrument_exports: Path, sample: str) -> None:
    path = _input(instrument_exports, sample)
    raw = json.loads(path.read_text(encoding="utf-8"))
    expected = {
        str(result["fields"]["InjectionId"]): len(result["peaks"])
        for result in raw["values"]["results"]
        if result["peaks"]
    }
    counted = parse(path).results.groupby("injection").size().to_dict()
    assert counted == expected


@pytest.mark.parametrize("sample", SAMPLES)
def test_peaks_match_allotropy_one_to_one(instrument_exports: Path, sample: str) -> None:
    parsed = parse(_input(instrument_exports, sample))
    expected = asm_peaks(instrument_exports / FOLDER / "output" / f"{sample}.json")
    assert assert_peaks_match(parsed.results, expected, injection_column="injection") == len(parsed.results)


@pytest.mark.parametrize("sample", SAMPLES)
def test_whole_output_matches_golden(instrument_exports: Path, sample: str, golden: Golden) -> None:
    golden.check(
        REAL_EXPORTS / f"{sample}.json",
        connector_snapshot(parse(_input(instrument_exports, sample))),
    )


def test_sample_set_with_two_processed_standards(instrument_exports: Path) -> None:
    parsed = parse(_input(instrument_exports, "example_01"))
    meta = parsed.metadata
    assert meta["sequence"] == "PQ Sample Set"
    assert meta["sample_set_id"] == "1169"
    assert meta["instrument"] == "Alliance"
    assert meta["method"] == "LC Demo Method Set"
    assert meta["processing_method"] == "LC PQ ApexTrack"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (20.0, "µL")
    assert meta["injection_count"] == 2
    assert "sample_name" not in meta  # two different samples
    results = parsed.results
    assert len(results) == 8
    assert results["peak_name"].tolist() == ["Acetone", "Acetophenone", "Propiophenone", "Butyrophenone"] * 2
    first = results.iloc[0]
    assert (first["sample_name"], first["injection"], first["vial"], first["signal"]) == (
        "PQ Std 5.0x",
        "1176",
        "2",
        "254nm",
    )
    assert first["injection_time"] == "1997-09-17T17:03:14"  # Empower gives no UTC offset; none is invented
    assert first["sample_type"] == "Standard"
    assert first["retention_time_min"] == pytest.approx(1.24871000263731, rel=1e-12)
    assert (first["area"], first["area_unit"]) == (394015.0, "µV*s")
    assert first["height"] == pytest.approx(94463.77827879091, rel=1e-12)
    assert first["height_unit"] == "µV"
    assert first["area_percent"] == pytest.approx(27.9385948662659, rel=1e-12)
    assert (first["amount"], first["width_s"], first["integration_type"]) == (1875.0, 15.5, "BB")
    last = results.iloc[-1]
    assert (last["sample_name"], last["peak_name"]) == ("PQ Std 10x", "Butyrophenone")
    assert last["area"] == pytest.approx(625999.500000001, rel=1e-12)
    trace = parsed.traces[0]
    assert (trace.channel, trace.signal_unit, len(trace.data)) == ("254nm (injection 1176)", "AU", 720)
    assert trace.data["time_min"].iloc[0] == pytest.approx(0.008333334)


def test_sample_set_without_peaks_gives_empty_results_and_traces(instrument_exports: Path) -> None:
    parsed = parse(_input(instrument_exports, "example_with_blanks_and_stds"))
    assert parsed.results.empty
    assert len(parsed.traces) == 7
    meta = parsed.metadata
    assert (meta["sequence"], meta["project"], meta["injection_count"]) == ("example_set_2", "PROJECT_2", 7)
    # The connector echoes the database login in "metadata"; it must not reach our output.
    assert "manager" not in json.dumps(connector_snapshot(parsed), default=str)


@pytest.mark.parametrize("sample", SAMPLES)
def test_registry_chooses_this_parser(instrument_exports: Path, sample: str) -> None:
    path = _input(instrument_exports, sample)
    registry = discover_parsers(third_party=False)
    assert registry.choose(path).name == EmpowerConnectorJsonParser.name
    pd.testing.assert_frame_equal(registry.parse(path).results, parse(path).results)
