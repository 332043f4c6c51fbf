"""ChemStation text report parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real ``Report.TXT`` (UTF-16LE with a BOM, CRLF, a fixed-width header block with
two keys on a line and values wrapped onto continuation lines, a US date with AM/PM, ``Vial 4``,
heights in exponent notation, a ``Totals :`` row under each signal's table) in a ``.D`` folder, and a
report given as a file whose table runs over a page break, with a signal printed without a peak table
and no ``*** End of Report ***`` line; and a GC report (FID and TCD signals, dotted day-first dates)
saved under a site's own name, ``Gasmix7_Report.txt``, with a "Summed Peaks Report" section that
repeats the signal headings.
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
    assert [p.name for p in INPUTS] == ["GASMIX07.D", "IMP_B12_T0_Report.TXT", "QUERCETIN_4.D"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "agilent_chemstation_txt", golden)


def test_folder_with_wrapped_header_values_and_exponent_heights() -> None:
    parsed = discover_parsers().parse(TESTDATA / "QUERCETIN_4.D")
    meta = parsed.metadata
    assert meta["injection_time"] == "2021-03-02T10:11:12"
    assert meta["vial"] == "4"  # "Vial 4"
    assert meta["sequence"] == "FLAV.S"  # wrapped onto the next line, mid-word
    assert meta["method"] == "FLAV_GRAD.M"  # without "(Sequence Method)"
    results = parsed.results
    assert results.groupby("signal").size().to_dict() == {
        "DAD1 A, Sig=370,8 Ref=off": 4,
        "DAD1 B, Sig=254,8 Ref=off": 1,
    }
    assert results["height"].iloc[3] == pytest.approx(3.81904e-3)
    assert parsed.warnings == ()  # both Totals rows agree with their peaks


def test_page_break_inside_a_table_and_an_incomplete_report() -> None:
    path = TESTDATA / "IMP_B12_T0_Report.TXT"
    parsed = discover_parsers().parse(path)
    assert parsed.results["peak_number"].tolist() == [1, 2, 3, 4, 5]  # no page furniture read as peaks
    assert parsed.metadata["signal_count"] == 2
    guess, *rest = parsed.warnings  # "11/8/2022 4:55:41 PM": only the 12-hour clock points to month first
    assert "'11/8/2022 4:55:41 PM'" in guess and "read month first (guessed from a 12-hour clock" in guess
    assert rest == [
        f"'{path}' has no '*** End of Report ***' line; it may be incomplete.",
        f"Signal 2 in '{path}' line 37 has no peak table.",
    ]


def test_gc_report_under_its_own_name_with_a_summed_peaks_section() -> None:
    parsed = discover_parsers().parse(TESTDATA / "GASMIX07.D")
    assert parsed.provenance.parser == "agilent_chemstation_txt"
    results = parsed.results
    # The Summed Peaks section repeats "Signal 1:" and "Signal 2:": its sums are not read as peaks.
    assert results["signal"].tolist() == ["FID1 A, Front Signal"] * 2 + ["TCD2 B, Back Signal"]
    assert results["area"].tolist() == [154.23011, 1355.87122, 88.40127]
    assert results["area_unit"].tolist() == ["pA*s", "pA*s", "25 µV*s"]
    assert parsed.metadata["injection_time"] == "2023-11-14T08:31:12"
    assert parsed.metadata["report_sections_not_read"] == "Summed Peaks Report (line 40)"
    assert parsed.warnings == ()
