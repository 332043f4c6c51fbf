"""Waters Empower ARW parser against the test data written for it in ``testdata/`` (always run).

The inputs model the real exports' quirks: quoted tab-separated header lines, CR-only line endings, a
zone abbreviation after the acquisition date, a European site's decimal commas and dotted dates, and an
export with no data rows.
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
    assert [p.name for p in INPUTS] == ["GFP-SEC_03.arw", "Lysat_7.arw", "blank_2.arw"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "waters_empower_arw", golden)


def test_cr_only_export_with_zone_and_unmapped_fields() -> None:
    path = TESTDATA / "GFP-SEC_03.arw"
    assert b"\n" not in path.read_bytes()
    parsed = discover_parsers().parse(path)
    meta = parsed.metadata
    assert meta["injection_time"] == "2023-11-14T15:05:41-05:00"  # 3:05:41 PM EST
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (50.0, "µL")
    assert (meta["vial"], meta["operator"], meta["sample_type"]) == ("1:B,3", "jdoe", "Unknown")
    assert meta["run_time"] == "30.0"  # a field with no normalized key keeps its snake_case name
    (trace,) = parsed.traces
    assert len(trace.data) == 24 == len(path.read_bytes().split(b"\r")) - 3
    assert trace.channel == "2475ChA ex488/em510" and trace.signal_unit is None
    assert parsed.results.empty and parsed.warnings == ()


def test_decimal_commas_and_a_dotted_day_first_date() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Lysat_7.arw")
    assert parsed.metadata["injection_time"] == "2023-11-14T15:05:41+01:00"
    assert parsed.metadata["injection_volume"] == 20.0
    assert parsed.metadata["sample_name"] == "Lysat 7 verdünnt"
    (trace,) = parsed.traces
    assert trace.signal_unit == "AU"
    assert trace.data.iloc[10].tolist() == pytest.approx([0.5, 0.0829])
    assert float(trace.data["signal"].max()) == pytest.approx(0.0829)


def test_header_lines_without_data_rows_give_an_empty_trace_and_a_warning() -> None:
    parsed = discover_parsers().parse(TESTDATA / "blank_2.arw")
    (trace,) = parsed.traces
    assert trace.data.empty
    assert parsed.warnings == ("The export has header lines but no data rows; its trace is empty.",)
