"""Thermo Chromeleon text parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real 7.x and 6.8 exports: a UTF-8 BOM or cp1252, CRLF, tab separation, decimal
commas, ``n.a.`` as the first step, 6.8's trailing tabs and padding lines; beyond them, a peak table
section with a total row (which no real sample has), a US-locale export timed in seconds, a 7.3 export
with its new key names (``Name``, ``Number``, ``Inject Time`` with an offset, ``Volume`` with the unit in
a third cell, ``URL``), month-first dates and thousands grouping, and a "Chromatogram and Results"
report (titles without colons, ``Key:`` fields, a unit row and a channel row under the peak table's
header, a component not found, a total row), and a 7.2.9 export from a site writing day-first dates with a
12-hour clock (``12/06/2019 11:49:36 PM`` is 12 June: nothing in the file says so, so the parse warns and
the site's ``date_order`` decides), a refractive-index channel and a "Raw Data:" section under 7.x keys.
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
        "Koffein_Std3_report.txt",
        "Para_Std2_v73.txt",
        "SST_Koffein_12.txt",
        "Stab_T6M_40C_lot118.txt",
        "Sugars_S2_ri.txt",
        "Uridin 0,25 mM.txt",
    ]


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
    # Only the 12-hour clock points to month first, and day-first sites use it too: the guess is said.
    (warning,) = parsed.warnings
    assert "'3/7/2024 4:02:55 PM'" in warning and "read month first (guessed from a 12-hour clock" in warning


def test_version_7_3_keys_are_mapped_and_month_first_is_decided_by_another_date() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Para_Std2_v73.txt")
    meta = parsed.metadata
    # "Inject Time 7/1/2025 00:03:04 +02:00": 1 July, because "Created 6/30/2025" shows month first.
    assert meta["injection_time"] == "2025-07-01T00:03:04+02:00"
    assert (meta["sample_name"], meta["injection"], meta["vial"]) == ("Paracetamol Std 2", "4", "BA2")
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µL")
    assert meta["sequence"] == "2025-07-01_Para_Kal"  # from the URL's path and "Sequence Name"
    assert (meta["created"], meta["created_by"]) == ("6/30/2025 18:22:51 +02:00", "l.schmidt")  # kept raw
    (trace,) = parsed.traces
    assert trace.data["signal"].max() == 1188.5  # "1,188.500000": grouped thousands, decimal point
    assert trace.data["signal"].iloc[6] == 1052.045776
    assert parsed.warnings == ()


def test_chromatogram_and_results_report_with_unit_channel_and_total_rows() -> None:
    path = TESTDATA / "Koffein_Std3_report.txt"
    parsed = discover_parsers().parse(path, hints=ParseHints(encoding="cp1252"))
    meta = parsed.metadata
    assert meta["injection_time"] == "2024-03-12T14:05:00"  # "12/Mär/2024 14:05"
    assert (meta["sample_name"], meta["vial"], meta["calibration_level"]) == ("Koffein Std 3", "RA3", "03")
    assert (meta["injection_volume"], meta["run_time"]) == (5.0, "5,00")
    results = parsed.results
    assert results["peak_name"].tolist() == ["Theobromin", "Koffein"]  # not the unit, channel or total rows
    assert results["signal"].unique().tolist() == ["UV_VIS_1"]
    assert (results["area_unit"].unique().tolist(), results["height_unit"].unique().tolist()) == (
        ["mAU*min"],
        ["mAU"],
    )
    assert results["area"].tolist() == [4.915, 9.631]
    assert parsed.traces == ()
    assert parsed.warnings == (
        f"Peak 'Theophyllin' in '{path}' line 28 has no retention time and no area: a component the "
        "processing method expected but did not find. It is not stored as a result.",
    )


def test_day_first_dates_with_a_12_hour_clock_need_the_site_setting() -> None:
    path = TESTDATA / "Sugars_S2_ri.txt"
    guessed = discover_parsers().parse(path)
    assert guessed.metadata["injection_time"] == "2019-12-06T23:49:36"  # the US guess...
    (warning,) = guessed.warnings  # ...is never silent
    assert "'12/06/2019 11:49:36 PM'" in warning and "Set 'date_order' in schemas_map.yaml" in warning
    day_first = ParseHints(date_order="day_first")
    told = discover_parsers().with_hints(lambda parser, folder: day_first).parse(path)
    assert (told.metadata["injection_time"], told.warnings) == ("2019-06-12T23:49:36", ())
    meta = told.metadata
    assert (meta["sample_name"], meta["injection"], meta["vial"]) == ("S2", "13", "Vial:7")
    assert (meta["sample_type"], meta["sequence"]) == ("Calibration Standard", "SUG_190605_REINJ")
    (trace,) = told.traces
    assert (trace.channel, trace.signal_unit, len(trace.data)) == ("RID_Signal", "nRIU", 8)
    assert trace.data["signal"].tolist()[3] == -1234.5  # "-1,234.500000": grouped thousands
