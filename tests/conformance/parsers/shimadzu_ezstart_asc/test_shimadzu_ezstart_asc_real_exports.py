"""Shimadzu EZStart against the real two-channel export ``05_25_BB.asc``."""

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
    return discover_parsers().parse(instrument_exports / "shimadzu-ezstart" / "05_25_BB.asc")


def test_matches_golden(parsed: ParsedFile, golden: Golden) -> None:
    assert parsed.provenance.parser == "shimadzu_ezstart_asc"
    golden.check(REAL_EXPORTS / "05_25_BB.json", snapshot(parsed, signal_max=True))


def test_two_channels_of_6001_points_over_50_minutes(parsed: ParsedFile, instrument_exports: Path) -> None:
    lines = (instrument_exports / "shimadzu-ezstart" / "05_25_BB.asc").read_text(encoding="ascii").split("\n")
    values = [int(line) for line in lines[16:] if line.strip()]
    first, second = parsed.traces
    assert len(first.data) == len(second.data) == 6001
    # 2 Hz, seconds: the method's 50 minutes.
    assert first.data["time_min"].iloc[-1] == pytest.approx(50.0)
    assert first.data["signal"].tolist() == pytest.approx([v * 0.001 for v in values[:6001]])
    assert second.data["signal"].tolist() == pytest.approx([v * 0.001 for v in values[6001:]])
    assert first.signal_unit == second.signal_unit == "mV"


def test_metadata(parsed: ParsedFile) -> None:
    metadata = parsed.metadata
    assert (metadata["sample_id"], metadata["vial"], metadata["method"]) == (
        "05_25_BB",
        "3",
        "TRP_A_GFP_B_50minb",
    )
    assert metadata["injection_time"] == "2018-04-18T09:19:52"
    assert (metadata["injection_volume"], metadata["operator"]) == (100.0, "System")
    assert "pretreat_name" not in metadata  # "(None)"
    assert parsed.warnings == ()
