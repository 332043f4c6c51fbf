"""Empower connector JSON parser against the test data written for it in ``testdata/`` (always run).

The inputs model the connector's export (``metadata`` = the connector request, ``values`` with the
sample set ``fields``, ``injections[]``, ``channels[]`` with ``chrom`` and ``results[]`` with
``peaks[].fields``): a processed sample set whose request echoes database credentials, and a sample set
acquired but not processed, from a connector version that writes fields inline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.parser_snapshots import full_snapshot
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["ibuprofen_assay.json", "ibuprofen_sst_unprocessed.json"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "benchling_connector_empower_json", golden)


def test_processed_sample_set_in_empower_units() -> None:
    parsed = discover_parsers().parse(TESTDATA / "ibuprofen_assay.json")
    results = parsed.results
    assert results["injection"].tolist() == ["9101", "9102", "9102"]
    assert set(results["area_unit"]) == {"µV*s"} and set(results["height_unit"]) == {"µV"}
    assert results["width_s"].tolist() == [21.3, 21.1, 8.4]  # Empower's Width is in seconds
    assert parsed.metadata["sequence"] == "IBU assay 2024-01-22"
    assert parsed.metadata["method"] == "IBU_isocratic_8min"
    assert parsed.metadata["processing_method"] == "IBU_assay_PM"
    assert [(t.channel, t.signal_unit) for t in parsed.traces] == [
        ("PDA 220.0 nm (injection 9101)", "AU"),
        ("PDA 220.0 nm (injection 9102)", "AU"),
    ]


def test_credentials_echoed_in_the_request_never_reach_the_output() -> None:
    path = TESTDATA / "ibuprofen_assay.json"
    assert "not-a-real-password" in path.read_text(encoding="utf-8")
    output = json.dumps(full_snapshot(discover_parsers().parse(path)), default=str)
    assert "not-a-real-password" not in output and "connector_svc" not in output


def test_unprocessed_sample_set_gives_traces_and_no_results() -> None:
    parsed = discover_parsers().parse(TESTDATA / "ibuprofen_sst_unprocessed.json")
    assert parsed.results.empty
    assert len(parsed.traces) == 2
    assert parsed.metadata["sequence"] == "IBU SST 2024-01-23"  # from the request: the set has no name
    assert parsed.metadata["injection_count"] == 2
