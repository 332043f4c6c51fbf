"""Thermo Chromeleon text parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real 7.x and 6.8 exports: a UTF-8 BOM or cp1252, CRLF, tab separation, decimal
commas, ``n.a.`` as the first step, 6.8's trailing tabs and padding lines; beyond them, a peak table
section with a total row (which no real sample has) and a US-locale export timed in seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["SST_Koffein_12.txt", "Stab_T6M_40C_lot118.txt", "Uridin 0,25 mM.txt"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "thermo_chromeleon_txt", golden)


def test_version_7_with_a_peak_table_and_decimal_commas() -> None:
    path = TESTDATA / "SST_Koffein_12.txt"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    parsed = discover_parsers().parse(path)
    assert parsed.provenance.encoding == "utf-8"
    assert parsed.metadata["injection_time"] == "2024-03-05T09:14:27"
    assert parsed.metadata["sequence"] == "20240305_Koffein_SST"  # from the chrom:// path
    results = parsed.results
    assert results["peak_name"].tolist() == ["Coffein", "Theobromin"]  # the "Total:" row is not a peak
    assert results["area"].tolist() == [9.631, 4.915]
    assert (results["area_unit"].unique().tolist(), results["height_unit"].unique().tolist()) == (
        ["mAU*min"],
        ["mAU"],
    )
    assert results["signal"].unique().tolist() == ["UV_VIS_1"]
    assert results["amount"].isna().tolist() == [False, True]  # "n.a." is a missing value
    (trace,) = parsed.traces
    assert len(trace.data) == 30  # "Data Points 30"; the n.a. step keeps its point
    assert trace.data.iloc[0].tolist() == [0.0, 0.35]


def test_version_6_8_in_cp1252_with_padding_lines() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Uridin 0,25 mM.txt")
    meta = parsed.metadata
    assert parsed.provenance.encoding == "cp1252"
    assert (meta["sample_name"], meta["sample_id"], meta["comment"]) == (
        "Uridin 0,25 mM",
        "U-025",
        "verdünnt 1:4",
    )
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (20.0, "µL")
    assert meta["sequence"] == "20220614 Uridin Kalibrierung"
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit, len(trace.data)) == ("UV_VIS_2", "mAU", 25)


def test_us_locale_export_with_times_in_seconds() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Stab_T6M_40C_lot118.txt")
    assert parsed.metadata["injection_time"] == "2024-03-07T16:02:55"  # 3/7/2024 4:02:55 PM: month first
    (trace,) = parsed.traces
    assert trace.data["time_min"].iloc[-1] == pytest.approx(2.75)  # 165 s
    assert (trace.channel, trace.signal_unit) == ("CAD_1", "pA")
    assert parsed.warnings == ()
