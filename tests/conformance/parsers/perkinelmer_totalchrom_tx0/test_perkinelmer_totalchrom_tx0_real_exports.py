"""PerkinElmer TotalChrom against the real GC-FID report ``EXP-24-AK6145_a_001.TX0``."""

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
    return discover_parsers().parse(
        instrument_exports / "perkinelmer-totalchrom-gc" / "EXP-24-AK6145_a_001.TX0"
    )


def test_matches_golden(parsed: ParsedFile, golden: Golden, instrument_exports: Path) -> None:
    assert parsed.provenance.parser == "perkinelmer_totalchrom_tx0"
    value = snapshot(parsed)
    # Warnings name the file; the expected output must not depend on where the exports folder is.
    value["warnings"] = [w.replace(str(instrument_exports), "<exports>") for w in value["warnings"]]
    golden.check(REAL_EXPORTS / "EXP-24-AK6145_a_001.json", value)


def test_thirteen_peaks_and_two_missing_components(parsed: ParsedFile) -> None:
    results = parsed.results
    assert results["peak_number"].tolist() == list(range(1, 14))
    assert results.loc[8, ["retention_time_min", "area", "height", "area_percent"]].tolist() == [
        1.704,
        3843600.67,
        965752.35,
        68.30,
    ]
    assert float(results["area"].sum()) == pytest.approx(5627371.87, abs=0.07)  # the report's total row
    assert parsed.metadata["missing_components"] == (
        "Ethyl butyrate (expected at 3.941 min); Butyric acid (expected at 11.87 min)"
    )


def test_header_values_with_decimal_commas(parsed: ParsedFile) -> None:
    metadata = parsed.metadata
    assert (metadata["sample_name"], metadata["instrument"], metadata["channel"]) == (
        "EXP-24-AK6145_a_001",
        "GC",
        "A",
    )
    assert (metadata["end_time_min"], metadata["sampling_rate"], metadata["injection_volume"]) == (
        14.0,
        12.5,
        1.0,
    )
    assert (metadata["rack"], metadata["vial"]) == ("0", "8")
    assert metadata["injection_time"] == "2024-10-09T15:24:19"
    assert parsed.provenance.encoding == "cp1252"
    assert any("were read day first" in warning for warning in parsed.warnings)
    assert any("Signal level out-of-range" in warning for warning in parsed.warnings)
