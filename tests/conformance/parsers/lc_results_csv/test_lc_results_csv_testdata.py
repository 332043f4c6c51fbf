"""LC results CSV parser against the test data written for it in ``testdata/`` (always run).

Besides the demo exports in ``sample_data`` (``test_lc_results_csv_demo_exports.py``), the inputs model
how such tables reach the watch folder: saved by Excel on a German PC (cp1252, CRLF, semicolons,
decimal commas, units in headers, aliases, a missing marker, an unknown column), exported by a LIMS
(UTF-16, tab, retention times in seconds, a chromatogram file beside it) and written by a script (only
the required columns, a quoted comma, a trailing delimiter).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA, companions=["*_trace.csv"])


def test_every_quirk_has_an_input() -> None:
    assert [p.name for p in INPUTS] == ["Batch7_assay.csv", "Pruefmuster_Excel.csv", "script_minimal.csv"]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "lc_results_csv", golden)


def test_excel_export_with_decimal_commas_and_header_units() -> None:
    parsed = discover_parsers().parse(TESTDATA / "Pruefmuster_Excel.csv")
    results = parsed.results
    assert results["sample_name"].tolist()[0] == "Prüfmuster 12 µg/ml"
    assert results["retention_time_min"].tolist() == [1.874, 0.962, 1.876]
    assert results["height"].isna().tolist() == [False, True, False]  # "n.a."
    assert set(results["area_unit"]) == {"mAU*s"} and set(results["height_unit"]) == {"mAU"}
    assert results["bemerkung"].fillna("").tolist() == ["", "unter LOQ", ""]
    assert parsed.metadata["injection_time"] == "2024-05-06T14:03:00"


def test_lims_export_in_seconds_with_its_trace_file() -> None:
    path = TESTDATA / "Batch7_assay.csv"
    parsed = discover_parsers().parse(path)
    assert parsed.provenance.encoding == "utf-16"
    assert parsed.results["retention_time_min"].tolist() == pytest.approx([5.21, 5.92])  # 312.6 s, 355.2 s
    assert parsed.attachments == (TESTDATA / "Batch7_assay_trace.csv",)
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit, len(trace.data)) == ("UV 280nm", "mAU", 16)


def test_minimal_script_output() -> None:
    parsed = discover_parsers().parse(TESTDATA / "script_minimal.csv")
    assert parsed.results["sample_id"].tolist() == ["PLATE-3, well B7", "PLATE-3, well B7", "PLATE-3 blank"]
    assert list(parsed.results.columns)[-1] == "area_percent"  # the unnamed trailing column is dropped
    assert dict(parsed.metadata) == {}
