"""PerkinElmer TotalChrom reports against the test data written for them in ``testdata/`` (always run).

The inputs model the real export: a decimal-comma PC (cp1252, CRLF, unquoted header numbers split by
their decimal comma, quoted table values, ``-`` rows for calibrated components not found, a "Missing
Component Report", a total row with ``5,68e+04``), and a US PC (decimal point, unquoted table values,
12-hour dates, a "Warning --" note and extra columns).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParseHints
from parsers import discover_parsers
from parsers.perkinelmer_totalchrom_tx0.parser import TotalChromReportParser
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)
DECIMAL_COMMA = TESTDATA / "SMP-001_014.TX0"
DECIMAL_POINT = TESTDATA / "SMP-002_003.TX0"


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["SMP-001_014.TX0", "SMP-002_003.TX0"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "perkinelmer_totalchrom_tx0", golden)


def test_header_numbers_split_by_a_decimal_comma_are_put_back_together() -> None:
    metadata = discover_parsers().parse(DECIMAL_COMMA).metadata
    assert metadata["delay_time_min"] == 0.5
    assert metadata["sampling_rate"] == 6.25
    assert (metadata["injection_volume"], metadata["injection_volume_unit"]) == (0.5, "µL")
    assert (metadata["rack"], metadata["vial"]) == ("1", "14")
    assert metadata["injection_time"] == "2024-04-23T16:38:05"


def test_components_not_found_are_not_results_but_named_in_metadata() -> None:
    parsed = discover_parsers().parse(DECIMAL_COMMA)
    assert parsed.results["peak_name"].tolist() == ["Methanol", "Ethanol", "Isopropanol"]
    assert parsed.results["peak_number"].tolist() == [1, 2, 3]
    assert parsed.results["area"].tolist() == [18220.45, 40512.10, 85713.55]
    assert parsed.results["area_unit"].unique().tolist() == ["µV*s"]
    assert parsed.metadata["missing_components"] == (
        "Acetone (expected at 2.25 min); Toluene (expected at 6.904 min)"
    )


def test_decimal_point_report_with_unquoted_values_and_a_us_date() -> None:
    # The site names its code page, so the reading of 'µV·s' is no guess (and no warning).
    parsed = discover_parsers().parse(DECIMAL_POINT, hints=ParseHints(encoding="cp1252"))
    assert parsed.metadata["injection_time"] == "2024-04-24T08:51:02"
    assert parsed.results["retention_time_min"].tolist() == [0.412, 1.705, 2.118]
    assert parsed.results["area_height_ratio_s"].tolist() == [0.5657, 2.0536, 1.9478]
    assert parsed.warnings == (
        "The report carries the note 'Warning -- Signal level out-of-range in peak' (line 32).",
    )


def _rewritten(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_bytes().decode("cp1252")
    assert old in text
    target = tmp_path / source.name
    target.write_bytes(text.replace(old, new).encode("cp1252"))
    return target


def test_an_area_that_does_not_add_up_to_the_total_row_is_refused(tmp_path: Path) -> None:
    # A value that still parses but is not what the report printed: the total row gives it away.
    path = _rewritten(tmp_path, DECIMAL_COMMA, '"18220,45"', '"18220,95"')
    with pytest.raises(
        ParseError, match=r"add up to 144446.60, but its total row \(line 33\) says 144446.10"
    ):
        TotalChromReportParser().parse(path)


def test_a_split_number_in_a_table_row_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, DECIMAL_COMMA, '"1,866"', "1,866")
    with pytest.raises(ParseError, match=r"line 28 has 8 cells for the 7 columns of table 'NAMED PEAKS'"):
        TotalChromReportParser().parse(path)


def test_a_bad_number_names_line_and_column(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, DECIMAL_COMMA, '"85713,55"', '"85713;55"')
    with pytest.raises(ParseError, match=r"'85713;55' as a number in .* line 30 column 'Area \[µV·s\]'"):
        TotalChromReportParser().parse(path)


def test_a_report_without_a_peak_table_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, DECIMAL_POINT, '"Peak","Time","Area"', '"Peak","Time","Amount"')
    with pytest.raises(ParseError, match="Unable to find a peak table"):
        TotalChromReportParser().parse(path)


def test_sniff_declines_other_txt_exports() -> None:
    parser = TotalChromReportParser()
    others = [p for p in (TESTDATA.parent.parent).glob("*/testdata/*.txt")]
    assert others
    for other in others:
        assert not parser.sniff(other.read_bytes()[:65536], other), other


def test_an_empty_peak_table_is_a_warning_and_the_header_still_tells_the_decimal_comma(
    tmp_path: Path,
) -> None:
    lines = DECIMAL_COMMA.read_bytes().decode("cp1252").split("\r\n")
    rule = lines.index("------,------,------,------,------,------,------")
    target = tmp_path / DECIMAL_COMMA.name
    target.write_bytes("\r\n".join(lines[: rule + 1]).encode("cp1252"))
    parsed = discover_parsers().parse(target, hints=ParseHints(encoding="cp1252"))
    assert parsed.results.empty
    assert parsed.metadata["sampling_rate"] == 6.25  # "6,2500" split in two cells, rebuilt
    assert parsed.warnings == (
        f"The peak table 'NAMED PEAKS' of '{target}' (line 23) lists no detected peak; "
        "the run has no results.",
    )
