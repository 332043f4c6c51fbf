"""OpenLab CDS RDL text report against the real Cross Sequence Summary ``M2_MJ_100_min.txt``.

Its numbers wrap across two table rows (``53.`` over ``0992``); they are put back together and the
table is checked against its Sum row and area percentages before it is used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"


@pytest.fixture
def parsed(instrument_exports: Path) -> ParsedFile:
    return discover_parsers().parse(instrument_exports / "agilent-openlab-rdl-text" / "M2_MJ_100_min.txt")


def test_matches_golden(parsed: ParsedFile, golden: Golden) -> None:
    assert parsed.provenance.parser == "agilent_openlab_rdl_txt"
    golden.check(REAL_EXPORTS / "M2_MJ_100_min.json", snapshot(parsed))


def test_six_peaks_with_wrapped_numbers(parsed: ParsedFile) -> None:
    results = parsed.results
    assert results["retention_time_min"].tolist() == [0.698, 1.169, 2.756, 3.331, 3.974, 5.770]
    assert results["area"].tolist() == [53.0992, 6094.3336, 14.2114, 7620.7030, 381.8593, 301.7014]
    assert results["height"].tolist() == [7.2642, 783.0775, 1.9341, 925.5433, 55.0016, 22.1066]
    assert results["area_percent"].tolist() == [0.3671, 42.1289, 0.0982, 52.6804, 2.6397, 2.0856]
    assert results["peak_type"].tolist() == ["BV", "VV", "VB", "BV", "VB", "BB"]
    assert results["peak_name"].tolist()[1::2] == ["AMP@1,169min", "ADP@3,327min", "ATP@5,720min"]
    assert set(results["signal"]) == {"DAD1A,Sig=254,4 Ref=360,100"}


def test_sample_name_wrapped_over_two_lines(parsed: ParsedFile) -> None:
    assert parsed.metadata["sample_name"] == "M2_MJ_100_min"
    assert parsed.metadata["report_title"] == "Cross Sequence Summary Report"
    assert parsed.metadata["report_printed"] == "2024-10-20T16:25:44+02:00"
    assert parsed.warnings == ()
