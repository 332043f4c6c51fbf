"""Chromeleon connector JSON parser against the test data written for it in ``testdata/`` (always run).

The inputs model the connector's export (``device information``, ``sequence``, ``injections[]`` with
``signals[]``, each with a ``chromatogram`` and ``peaks[]``): a three-injection sequence with a blank, a
signal whose unit the export does not state and an unnamed peak; and a copy through Windows tools (BOM,
CRLF) from a connector version that writes ``NaN``, capitalises a key and leaves a trace point null.
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
    assert [p.name for p in INPUTS] == ["nitrat_brunnen3.json", "riboflavin_sequence.json"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "benchling_connector_chromeleon_json", golden)


def test_a_sequence_gives_one_row_per_peak_per_injection_and_signal() -> None:
    parsed = discover_parsers().parse(TESTDATA / "riboflavin_sequence.json")
    results = parsed.results
    assert results.groupby(["injection", "signal"]).size().to_dict() == {
        ("2", "FLD_Em530"): 1,
        ("2", "UV_VIS_1"): 1,
        ("3", "UV_VIS_1"): 2,
    }  # the blank has no peaks
    uv = results[results["signal"] == "UV_VIS_1"]
    assert set(uv["area_unit"]) == {"mAU*min"} and set(uv["height_unit"]) == {"mAU"}
    assert results[results["signal"] == "FLD_Em530"]["area_unit"].isna().all()
    assert parsed.warnings == (
        "The export does not state the unit of signals ['FLD_Em530']; their area, height and trace units "
        "are left empty.",
    )
    assert len(parsed.traces) == 4  # one per injection and signal, the blank's included
    # Values every injection shares become run metadata; those that differ stay result columns.
    assert parsed.metadata["injection_volume"] == 10.0
    assert "sample_name" not in parsed.metadata
    assert parsed.metadata["injection_count"] == 3


def test_bom_nan_capitalised_keys_and_a_null_point() -> None:
    path = TESTDATA / "nitrat_brunnen3.json"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"NaN" in path.read_bytes()
    parsed = discover_parsers().parse(path)
    assert parsed.results["retention_time_min"].tolist() == [1.215]  # "Retention Time" as "retention time"
    assert parsed.results["amount"].isna().tolist() == [True]  # NaN is a missing value
    (trace,) = parsed.traces
    assert trace.data["signal"].isna().tolist() == [False, False, False, True, False, False]
    assert parsed.metadata["injection_time"] == "2023-09-12T10:44:00Z"
