"""Shimadzu EZStart / EZChrom ASCII exports against the test data written for them (always run).

The inputs model the real export (two channels concatenated, tab-separated header, US 12-hour date,
seconds and mVolts with a Y multiplier per channel) and an EZChrom export set to semicolons on a
decimal-comma PC (one channel, minutes with an X multiplier, µVolts, day-first date, CRLF, cp1252).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers import discover_parsers
from parsers.shimadzu_ezstart_asc.parser import EzStartAscParser
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)
TWO_CHANNELS = TESTDATA / "SMP-003_a.asc"
SEMICOLONS = TESTDATA / "SMP-004.asc"


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["SMP-003_a.asc", "SMP-004.asc"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "shimadzu_ezstart_asc", golden)


def test_concatenated_channels_are_split_by_their_point_counts_and_scaled() -> None:
    parsed = discover_parsers().parse(TWO_CHANNELS)
    first, second = parsed.traces
    assert (first.channel, second.channel) == ("Channel 1", "Channel 2")
    assert first.data["signal"].tolist()[:3] == pytest.approx([-0.012, -0.008, 0.0])
    assert second.data["signal"].tolist()[7] == pytest.approx(0.71)  # 71 counts x 0.01
    assert first.data["time_min"].tolist()[-1] == pytest.approx(11 / 60)  # 1 Hz, 12 points
    assert parsed.metadata["injection_time"] == "2024-03-12T14:05:33"
    assert parsed.results.empty


def test_minutes_axis_semicolons_and_decimal_commas() -> None:
    parsed = discover_parsers().parse(SEMICOLONS)
    (trace,) = parsed.traces
    assert trace.signal_unit == "µV"
    assert trace.data["time_min"].tolist()[1] == pytest.approx(2 * 0.0166667)  # 0.5 Hz, x 0.0166667
    assert trace.data["signal"].tolist()[4] == 48.25
    assert parsed.metadata["injection_time"] == "2024-04-18T09:19:52"
    assert parsed.metadata["sample_amount"] == 1.5


def _rewritten(tmp_path: Path, old: str, new: str) -> Path:
    text = TWO_CHANNELS.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / TWO_CHANNELS.name
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_a_truncated_export_is_refused_naming_the_counts(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "7\n4\n", "")
    with pytest.raises(
        ParseError, match=r"announces \[12, 12\] data points for its 2 channel\(s\) .* holds 22"
    ):
        EzStartAscParser().parse(path)


def test_a_bad_value_names_its_line(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "\n2980\n", "\n29x0\n")
    with pytest.raises(ParseError, match=r"Line 24 of .* is '29x0'. Expected one data value per line"):
        EzStartAscParser().parse(path)


def test_a_per_channel_line_with_the_wrong_count_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "Y Axis Multiplier:\t0.001\t0.01", "Y Axis Multiplier:\t0.001")
    with pytest.raises(
        ParseError, match=r"'Y Axis Multiplier' .* line 16 has 1 value\(s\).* Maxchannels is 2"
    ):
        EzStartAscParser().parse(path)


def test_an_unknown_x_axis_is_refused(tmp_path: Path) -> None:
    path = _rewritten(tmp_path, "X Axis Title:\tSeconds\tSeconds", "X Axis Title:\tVolume\tVolume")
    with pytest.raises(ParseError, match=r"X axis title 'Volume'\. Expected Seconds or Minutes"):
        EzStartAscParser().parse(path)


def test_sniff_declines_other_exports() -> None:
    parser = EzStartAscParser()
    others = [
        p for p in TESTDATA.parent.parent.glob("*/testdata/*") if p.is_file() and "expected" not in p.name
    ]
    others = [p for p in others if p.parent != TESTDATA]
    assert others
    for other in others:
        assert not parser.sniff(other.read_bytes()[:65536], other), other
