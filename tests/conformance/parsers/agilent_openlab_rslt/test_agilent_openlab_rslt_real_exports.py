"""OpenLab CDS result set against the real ``Luxo HPLC-2023-09-01 07-52-44-04-00.rslt`` (a zip of the
folder), with allotropy's ASM output of the same file as an independent expected answer for the peaks.

allotropy assigns samples to injections by name containment, so its injection identifiers are not
reliable for samples whose names contain each other ("A 20", "A 200"); peaks are therefore matched by
signal and retention times, and every signal of ours with peaks must meet exactly one of its
measurements with all values equal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers
from tests.support.asm_reference import AsmPeak, assert_close, in_our_area_unit, time_in_min
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = "allotropy-asm/agilent_openlab_cds"
NAME = "Luxo HPLC-2023-09-01 07-52-44-04-00"


@pytest.fixture(scope="module")
def parsed(instrument_exports: Path) -> ParsedFile:
    return discover_parsers().parse(instrument_exports / FOLDER / f"{NAME}.rslt")


def test_matches_golden(parsed: ParsedFile, golden: Golden) -> None:
    assert parsed.provenance.parser == "agilent_openlab_rslt"
    golden.check(REAL_EXPORTS / f"{NAME}.json", snapshot(parsed, results="count"))


def test_sequence_of_ten_injections(parsed: ParsedFile) -> None:
    results = parsed.results
    assert parsed.metadata["injection_count"] == 10
    assert results["injection"].unique().tolist() == [str(n) for n in range(1, 11)]
    assert results.groupby("injection", sort=False)["sample_name"].first().tolist() == [
        "ACN",
        "A 20",
        "A 50",
        "A 100",
        "A 200",
        "ACN",
        "MPS-23-17 as is 10x 1",
        "MPS23-17 as is 10x 2",
        "MPS23-17 60 40 10x 1",
        "MPS23-17 60 40 10x 2",
    ]
    assert len(results) == 241
    assert set(results["signal"]) == {"DAD1B,Sig=210,4 Ref=360,100", "DAD1D,Sig=228,4 Ref=360,100"}
    assert len(parsed.traces) == 20
    assert parsed.metadata["instrument"] == "Luxo HPLC"
    assert parsed.warnings == ()


def _asm_groups(path: Path) -> list[list[AsmPeak]]:
    """allotropy's peaks, one list per measurement document (one signal of one injection)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    groups: list[list[AsmPeak]] = []
    for aggregate in document["liquid chromatography aggregate document"]["liquid chromatography document"]:
        for measurement in aggregate["measurement aggregate document"]["measurement document"]:
            processed = measurement.get("processed data aggregate document", {}).get(
                "processed data document", []
            )
            peaks = [peak for doc in processed for peak in doc.get("peak list", {}).get("peak", [])]
            if not peaks:
                continue
            injection = measurement["injection document"]["injection identifier"]
            groups.append(
                [
                    AsmPeak(
                        injection=injection,
                        device=None,
                        name=peak.get("written name"),
                        values={
                            key: (float(value["value"]), str(value["unit"]))
                            for key, value in peak.items()
                            if isinstance(value, dict) and "value" in value
                        },
                    )
                    for peak in peaks
                ]
            )
    return groups


def test_peaks_equal_allotropys_reading(parsed: ParsedFile, instrument_exports: Path) -> None:
    asm = _asm_groups(instrument_exports / FOLDER / f"{NAME}.json")
    ours = {
        key: group.sort_values("retention_time_min")
        for key, group in parsed.results.groupby(["injection", "signal"], sort=False)
    }
    unmatched = dict(ours)
    compared = 0
    for theirs in asm:
        times = sorted(time_in_min(*peak.values["retention time"]) for peak in theirs)
        match = [
            key
            for key, group in unmatched.items()
            if len(group) == len(times)
            and all(abs(a - b) < 1e-9 for a, b in zip(group["retention_time_min"], times, strict=True))
        ]
        assert len(match) == 1, f"{len(theirs)} ASM peaks at {times[:3]}... match {match}"
        group = unmatched.pop(match[0])
        for (_, row), peak in zip(
            group.iterrows(), sorted(theirs, key=lambda p: p.values["retention time"][0]), strict=True
        ):
            _assert_peak(row, peak)
            compared += 1
    assert not unmatched, f"signals with peaks allotropy did not report: {list(unmatched)}"
    assert compared == 241


def _assert_peak(row: pd.Series, peak: AsmPeak) -> None:
    what = f"injection {row['injection']} {row['signal']} at {row['retention_time_min']}"
    area, area_unit = peak.values["peak area"]
    assert_close(row["area"], in_our_area_unit(area, area_unit, row["area_unit"]), f"{what} area")
    height, height_unit = peak.values["peak height"]
    assert height_unit == row["height_unit"] == "mAU"
    assert_close(row["height"], height, f"{what} height")
    assert_close(row["area_percent"], peak.values["relative peak area"][0], f"{what} area %")
    assert_close(row["height_percent"], peak.values["relative peak height"][0], f"{what} height %")
    assert_close(row["start_time_min"], time_in_min(*peak.values["peak start"]), f"{what} start")
    assert_close(row["end_time_min"], time_in_min(*peak.values["peak end"]), f"{what} end")
    assert_close(row["width_base_min"], time_in_min(*peak.values["peak width at baseline"]), f"{what} width")
    assert (None if pd.isna(row["peak_name"]) else row["peak_name"]) == peak.name
