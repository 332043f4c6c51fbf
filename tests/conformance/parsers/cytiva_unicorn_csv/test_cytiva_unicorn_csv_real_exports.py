"""Cytiva UNICORN against the real curve export ``2018_0809SEC-nanodisc-FLENaC 001.csv``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FILE = "cytiva-unicorn-csv/2018_0809SEC-nanodisc-FLENaC 001.csv"


@pytest.fixture(scope="module")
def parsed(instrument_exports: Path) -> ParsedFile:
    return discover_parsers().parse(instrument_exports / FILE)


def test_matches_golden(parsed: ParsedFile, golden: Golden) -> None:
    assert parsed.provenance.parser == "cytiva_unicorn_csv"
    golden.check(REAL_EXPORTS / "2018_0809SEC-nanodisc-FLENaC 001.json", snapshot(parsed, signal_max=True))


def test_uv_curve_holds_every_row_against_ml(parsed: ParsedFile, instrument_exports: Path) -> None:
    rows = (instrument_exports / FILE).read_bytes().decode("utf-16").split("\n")[3:]
    uv_rows = [row.split("\t")[:2] for row in rows if row.split("\t")[0].strip()]
    (uv,) = parsed.traces
    assert (uv.channel, uv.signal_unit, uv.x_unit) == ("UV", "mAU", "ml")
    assert len(uv.data) == len(uv_rows) == 43685
    assert uv.data.iloc[0].tolist() == [float(v) for v in uv_rows[0]]
    assert uv.data.iloc[-1].tolist() == [float(v) for v in uv_rows[-1]]


def test_events_become_metadata(parsed: ParsedFile) -> None:
    metadata = parsed.metadata
    assert metadata["injection_events"] == "0.000315 ml"
    assert metadata["run_log_events"] == (
        "-0.007175 ml Method Settings; -0.007074 ml Sample Application; 1.000861 ml Elution"
    )
    assert metadata["fraction_event_count"] == 48
    assert str(metadata["fraction_events"]).startswith("5.715448 ml 2; 6.465064 ml 3;")
    assert str(metadata["fraction_events"]).endswith("36.345105 ml Waste; 36.347599 ml Waste")
    assert (metadata["chromatogram"], metadata["sample_name"]) == (
        "Chrom.1",
        "2018_0809SEC-nanodisc-FLENaC 001",
    )
