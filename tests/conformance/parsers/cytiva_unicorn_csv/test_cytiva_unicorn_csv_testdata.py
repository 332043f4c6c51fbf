"""Cytiva UNICORN curve exports against the test data written for them in ``testdata/`` (always run).

The inputs model the real export (UNICORN 7: UTF-16 with a BOM, CRLF, tab, three header rows, a UV and
a conductivity curve of different lengths, Injection / Run Log / Fraction events against ml) and a
UNICORN 5 style ASCII export (two header rows, run-numbered curve names, semicolons, decimal commas,
a time axis in minutes).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from parsers.cytiva_unicorn_csv.parser import UnicornCurveExportParser
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)
UNICORN7 = TESTDATA / "SEC_SMP-005 001.csv"
UNICORN5 = TESTDATA / "IEX_SMP-006.asc"


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["IEX_SMP-006.asc", "SEC_SMP-005 001.csv"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "cytiva_unicorn_csv", golden)


def test_curves_of_different_lengths_keep_their_own_volumes() -> None:
    parsed = discover_parsers().parse(UNICORN7)
    uv, cond = parsed.traces
    assert (uv.channel, uv.signal_unit, len(uv.data)) == ("UV 1_280", "mAU", 10)
    assert (cond.channel, cond.signal_unit, len(cond.data)) == ("Cond", "mS/cm", 4)
    assert cond.data["time_min"].tolist() == [-0.01, 0.24, 0.49, 0.74]
    # The x axis is the volume pumped: kept as ml, never passed off as minutes.
    assert uv.x_unit == cond.x_unit == "ml"
    assert parsed.metadata["fraction_events"] == "0.3 ml 1; 0.45 ml 2; 0.6 ml 3; 0.75 ml Waste"
    assert parsed.metadata["injection_event_count"] == 1
    assert parsed.results.empty


def test_time_axis_with_semicolons_and_decimal_commas() -> None:
    parsed = discover_parsers().parse(UNICORN5)
    uv, ph = parsed.traces
    assert uv.x_unit == ph.x_unit == "min"
    assert uv.data["signal"].tolist() == [0.5, 0.75, 12.5, 40.25, 8.0, 1.0]
    assert ph.data["time_min"].tolist() == [0.0, 1.0, 2.0]
    assert parsed.metadata["logbook_events"] == "0.0 min Method Run 3/4/2024 10:15:02 AM; 2.5 min End"


def _rewritten(tmp_path: Path, old: str, new: str) -> Path:
    text = UNICORN7.read_bytes().decode("utf-16")
    assert old in text
    target = tmp_path / UNICORN7.name
    target.write_bytes(codecs.BOM_UTF16_LE + text.replace(old, new).encode("utf-16-le"))
    return target


def test_a_value_without_its_position_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "0.39\t14.25", "\t14.25")
    with pytest.raises(ParseError, match=r"line 8 has a UV 1_280 value without its ml position"):
        UnicornCurveExportParser().parse(path)


def test_a_bad_number_names_line_and_curve(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "62.5", "62.5.1")
    with pytest.raises(ParseError, match=r"'62\.5\.1' as a number in .* line 9 column 'UV 1_280 \(mAU\)'"):
        UnicornCurveExportParser().parse(path)


def test_an_export_without_a_units_row_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "ml\tmAU\tml\tmS/cm", "vol\tmAU\tvol\tmS/cm")
    with pytest.raises(ParseError, match="Unable to find the units row"):
        UnicornCurveExportParser().parse(path)


def test_sniff_declines_other_exports() -> None:
    parser = UnicornCurveExportParser()
    others = [
        p
        for p in TESTDATA.parent.parent.glob("*/testdata/*")
        if p.is_file() and "expected" not in p.name and p.parent != TESTDATA
    ]
    assert others
    for other in others:
        assert not parser.sniff(other.read_bytes()[:65536], other), other
