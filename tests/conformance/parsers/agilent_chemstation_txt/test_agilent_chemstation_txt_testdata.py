"""ChemStation text report parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real ``Report.TXT`` (UTF-16LE with a BOM, CRLF, a fixed-width header block with
two keys on a line and values wrapped onto continuation lines, a US date with AM/PM, ``Vial 4``,
heights in exponent notation, a ``Totals :`` row under each signal's table) in a ``.D`` folder, and a
report given as a file whose table runs over a page break, with a signal printed without a peak table
and no ``*** End of Report ***`` line; and a GC report (FID and TCD signals, dotted day-first dates)
saved under a site's own name, ``Gasmix7_Report.txt``, with a "Summed Peaks Report" section that
repeats the signal headings; and a GC "External Standard Report" (no peak-number column, captions
printed across the column marks, an amount unit, a calibrated compound not found printed with ``-``,
and a "Final Summed Peaks Report" repeating the signal heading).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["GASMIX07.D", "IMP_B12_T0_Report.TXT", "PEST_R14.D", "QUERCETIN_4.D"]


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


def test_external_standard_report_with_a_compound_not_found_and_final_summed_peaks() -> None:
    path = TESTDATA / "PEST_R14.D"
    parsed = discover_parsers().parse(path)
    results = parsed.results
    # "Amt/Area", "Grp" and "Name" are printed across the column marks: read word by word.
    assert results["peak_name"].tolist() == ["Pyrimethanil", "Imazalil", "Tebuconazol"]
    assert results["area"].tolist() == [48.20117, 211.90442, 17.0883]  # not the summed section's rounding
    assert results["amount"].tolist() == [0.395263, 1.64107, 0.171291]
    assert results["amount_per_area"].iloc[0] == pytest.approx(4.10022e-3)
    assert parsed.column_units["amount"] == "mg/kg"  # the amount's unit is kept, not dropped
    assert results["area_unit"].unique().tolist() == ["pA*s"]
    meta = parsed.metadata
    assert meta["report_title"] == "External Standard Report"
    assert meta["report_sections_not_read"] == "Final Summed Peaks Report (line 40)"
    assert meta["dilution"] == "2.0000"
    (warning,) = parsed.warnings
    assert warning.startswith("Compound 'Fludioxonil' of Signal 1 in ")
    assert "line 30 has no area ('-'): a compound the method expected but did not find" in warning


def test_a_sequence_report_of_several_injections_is_refused_naming_them(tmp_path: Path) -> None:
    one = (TESTDATA / "PEST_R14.D" / "Report.TXT").read_bytes().decode("utf-16")
    other = one.replace("PEST_R14", "PEST_R15").replace("Apfel R14", "Apfel R15")
    path = tmp_path / "Sequence_Report.txt"
    path.write_bytes(b"\xff\xfe" + (one + "\f" + other).encode("utf-16-le"))
    with pytest.raises(ParseError) as refused:
        discover_parsers().parse(path)
    message = str(refused.value)
    assert f"'{path}' is a sequence report with 2 injections" in message
    assert "at lines 1, 54)" in message and "one report per data file" in message
