"""OpenLab CDS RDL text reports against the test data written for them in ``testdata/`` (always run).

The inputs model the real export (UTF-8, CRLF, box-drawing grid, numbers cut after their decimal
mark, a header cell cut mid-word, a sample name cut after ``-``, Sum rows, a footer with the template
path cut at a space) as a Cross Sequence Summary of two samples with two signals, and a German
template on a decimal-comma PC (dotted date, ``Fläche``/``Höhe`` columns, a peak name wrapped at a
space, a ``Summe`` row).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from parsers.agilent_openlab_rdl_txt.parser import OpenLabRdlTextParser
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)
SUMMARY = TESTDATA / "SMP-007 SMP-008 summary.txt"
GERMAN = TESTDATA / "SMP-009 Probenbericht.txt"


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["SMP-007 SMP-008 summary.txt", "SMP-009 Probenbericht.txt"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "agilent_openlab_rdl_txt", golden)


def test_wrapped_numbers_and_names_are_put_back_together() -> None:
    parsed = discover_parsers().parse(SUMMARY)
    results = parsed.results
    assert results["sample_name"].tolist() == ["SMP-007", "SMP-007", "SMP-007", "SMP-008"]
    assert results["area"].tolist() == [125.4410, 1075.3361, 402.1180, 2210.0057]
    assert results["signal"].tolist()[2] == "DAD1B,Sig=280,4 Ref=360,100"
    assert results["injection_time"].tolist()[3] == "2024-03-05T10:31:02+01:00"
    assert (
        parsed.metadata["report_template"]
        == "D:\\CDSProjects\\QC\\Report Templates\\Summary_by_sample.rdl [Rev. 3.1]"
    )
    assert (parsed.metadata["injection_volume"], parsed.metadata["injection_volume_unit"]) == (5.0, "µL")
    assert parsed.metadata["sample_count"] == 2 and "sample_name" not in parsed.metadata
    assert parsed.warnings == ()


def test_german_template_with_decimal_commas() -> None:
    parsed = discover_parsers().parse(GERMAN)
    assert parsed.results["area"].tolist() == [53.0992, 1388.1210]
    assert parsed.results["area_percent"].tolist() == [3.6843, 96.3157]
    assert parsed.metadata["injection_time"] == "2024-03-05T14:20:11"
    assert parsed.results["peak_name"].tolist() == ["Uracil", "Wirkstoff Verunreinigung B"]
    (warning,) = parsed.warnings
    assert "wraps between two letters or digits; read as 'Wirkstoff Verunreinigung B'" in warning


def _rewritten(tmp_path: Path, old: str, new: str, source: Path = SUMMARY) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    target = tmp_path / source.name
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_a_number_cut_off_by_the_report_is_refused(tmp_path: Path) -> None:
    # The second piece of 1075.3361 lost two digits: same column, fewer decimals.
    path = _rewritten(tmp_path, "│   3361 │  5501 │", "│     33 │  5501 │")
    with pytest.raises(ParseError, match=r"prints area with 4 decimals, but line 21 reads '1075\.33'"):
        OpenLabRdlTextParser().parse(path)


def test_areas_that_do_not_add_up_to_the_sum_row_are_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "│   4410 │  1180 │", "│   4419 │  1180 │")
    with pytest.raises(
        ParseError, match=r"add up to 1200\.7780, but its Sum row \(line 24\) says 1200\.7771"
    ):
        OpenLabRdlTextParser().parse(path)


def test_an_area_percent_that_does_not_match_its_area_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "│     3, │Uracil", "│     4, │Uracil", source=GERMAN)
    with pytest.raises(ParseError, match=r"Line 16 of .* reads area 53\.0992 and Area% 4\.6843"):
        OpenLabRdlTextParser().parse(path)


def test_a_row_with_a_missing_cell_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "│ 2.377 │VB │", "│ 2.377 VB │")
    with pytest.raises(ParseError, match=r"Line 21 of .* has 6 cell\(s\) in a box of 7 column\(s\)"):
        OpenLabRdlTextParser().parse(path)


def test_a_report_without_a_peak_table_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "│ Ret.Zeit│", "│ Zeit    │", source=GERMAN)
    with pytest.raises(ParseError, match="Unable to find a peak table"):
        OpenLabRdlTextParser().parse(path)


def test_sniff_declines_other_txt_exports() -> None:
    parser = OpenLabRdlTextParser()
    others = [p for p in TESTDATA.parent.parent.glob("*/testdata/*.txt") if p.parent != TESTDATA]
    assert others
    for other in others:
        assert not parser.sniff(other.read_bytes()[:65536], other), other


def test_a_peak_table_broken_by_a_page_is_read_as_one(tmp_path: Path) -> None:
    lines = SUMMARY.read_text(encoding="utf-8").split("\n")
    rule = next(i for i, line in enumerate(lines) if i > 19 and line.lstrip().startswith("├"))
    bottom = lines[rule].replace("├", "└").replace("┼", "┴").replace("┤", "┘")
    top = lines[rule].replace("├", "┌").replace("┼", "┬").replace("┤", "┐")
    lines[rule : rule + 1] = [bottom, "═" * 80, top]
    path = tmp_path / SUMMARY.name
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = OpenLabRdlTextParser().parse(path)
    assert parsed.results["area"].tolist() == [125.4410, 1075.3361, 402.1180, 2210.0057]
    assert parsed.warnings == ()


def test_a_peak_table_without_peaks_is_a_warning(tmp_path: Path) -> None:
    lines = GERMAN.read_text(encoding="utf-8").split("\n")
    first_rule = next(i for i, line in enumerate(lines) if line.lstrip().startswith("├"))
    bottom = next(i for i, line in enumerate(lines) if i > first_rule and line.lstrip().startswith("└"))
    path = tmp_path / GERMAN.name
    path.write_text("\n".join(lines[:first_rule] + lines[bottom:]), encoding="utf-8")
    parsed = OpenLabRdlTextParser().parse(path)
    assert parsed.results.empty
    assert parsed.warnings == (
        f"The peak table on line 12 of '{path}' lists no peak (signal 'VWD1A,Wavelength=230 nm').",
    )
