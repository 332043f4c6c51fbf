"""Shimadzu ASCII parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real exports: an older LCsolution export (cp1250, LF, comma-delimited, dates such
as ``5.3.2019. 10:02:45``, empty peak tables) and a LabSolutions export (tab-delimited, CRLF, a US
12-hour date, a single-channel detector whose peak table and chromatogram are titled differently, a
compound that was not found, and a refractive-index detector without a wavelength); and a LabSolutions
GC export (cp1252, CRLF, German decimal commas, ``[Peak Table(Ch1)]`` beside ``[Chromatogram (Ch1)]``);
and an export of another program of the family (PACsolution: no 'Application Name' in ``[Header]``,
``Acquisition Date`` instead of ``Acquired``, year-first dates, ``[Configration]`` spelt so, spaces before
the brackets of ``[Peak Table (Ch1)]``, a chromatogram without ``Intensity Units``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParseHints
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == [
        "B17_std2.txt",
        "Ekstrakt_kamilice_5.txt",
        "GC_line2_091244.TXT",
        "LM_Ethanol_07_GC.txt",
    ]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "shimadzu_labsolutions_ascii", golden)


def test_lcsolution_comma_delimited_cp1250_export() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Ekstrakt_kamilice_5.txt")
    meta = parsed.metadata
    assert parsed.provenance.encoding == "cp1250"
    assert meta["operator"] == "Ivana Horvatić"
    assert meta["injection_time"] == "2019-03-05T10:02:45"  # "5.3.2019. 10:02:45": day first, trailing dot
    assert (meta["sequence"], meta["injection"]) == ("niz_kamilica", "5")
    results = parsed.results
    assert results["signal"].unique().tolist() == ["Detector A-Ch1"]  # the two empty tables add no rows
    assert results["peak_name"].fillna("").tolist() == ["", "Apigenin", "", ""]
    assert results["concentration"].tolist()[1] == 12.441  # from the compound results, not the peak table
    assert (results["area_unit"].iloc[0], results["height_unit"].iloc[0]) == ("µV*s", "µV")
    (trace,) = parsed.traces
    assert trace.signal_unit == "mV" and len(trace.data) == 30
    assert trace.data["signal"].iloc[0] == pytest.approx(-0.08)  # intensity x multiplier 0.001


def test_labsolutions_export_with_two_detectors() -> None:
    parsed = discover_parsers().parse(TESTDATA / "B17_std2.txt")
    assert parsed.metadata["injection_time"] == "2022-03-10T21:41:02"  # 3/10/2022 9:41:02 PM
    results = parsed.results
    by_signal = results.groupby("signal").size().to_dict()
    assert by_signal == {"Detector A": 3, "Detector B": 1}
    named = results.dropna(subset=["peak_name"])
    assert named[["peak_name", "concentration"]].values.tolist() == [["Analyte B17", 50.031]]
    # "Detector A" takes its unit from the chromatogram titled "Detector A-Ch1".
    assert results[results["signal"] == "Detector A"]["height_unit"].unique().tolist() == ["µAU"]
    assert [(t.channel, t.signal_unit) for t in parsed.traces] == [
        ("Detector A-Ch1", "mAU"),
        ("Detector B", "nRIU"),
    ]
    # "Impurity C" at R.Time 0.000 was not found and is not a warning; the US reading of the date is a guess.
    (warning,) = parsed.warnings
    assert "'3/10/2022 9:41:02 PM'" in warning and "read month first (guessed from a 12-hour clock" in warning


def test_labsolutions_gc_export_with_channel_sections_and_decimal_commas() -> None:
    parsed = discover_parsers().parse(TESTDATA / "LM_Ethanol_07_GC.txt", hints=ParseHints(encoding="cp1252"))
    assert [(t.channel, t.signal_unit, len(t.data)) for t in parsed.traces] == [("Ch1", "uV", 12)]
    results = parsed.results
    assert results["signal"].unique().tolist() == ["Ch1"]
    assert results["peak_name"].tolist()[1:] == ["Ethanol", "Isopropanol"]
    assert results["retention_time_min"].tolist() == [1.842, 2.517, 3.106]
    assert results["concentration"].tolist()[1:] == [4980.312, 97.104]
    assert parsed.metadata["injection_time"] == "2023-11-14T15:58:31"
    assert parsed.warnings == ()  # the [Chromatogram (Ch1)] section gives the peak table its unit


def test_family_export_without_application_name_is_read_by_its_layout() -> None:
    path = TESTDATA / "GC_line2_091244.TXT"
    parsed = discover_parsers().parse(path)
    meta = parsed.metadata
    assert meta["injection_time"] == "2024-03-15T08:31:07"  # "Acquisition Date 2024/03/15 8:31:07"
    assert (meta["sample_name"], meta["instrument"]) == ("Solvent blend B", "GC line 2")  # [Configration]
    assert meta["file_comment"] == "second column oven"  # a line of free text, not a key/value field
    assert parsed.results["area"].tolist() == [10422.0, 61877.0, 11748.0]
    assert parsed.results["signal"].unique().tolist() == ["Ch1"]
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit, len(trace.data)) == ("Ch1", None, 12)
    # The chromatogram exists but names no unit: the warning says so (not that there is no chromatogram).
    assert parsed.warnings == (
        f"Peak table 'Ch1' in '{path}': its chromatogram section (Ch1) gives no 'Intensity Units'; area and "
        "height units are left empty.",
    )
