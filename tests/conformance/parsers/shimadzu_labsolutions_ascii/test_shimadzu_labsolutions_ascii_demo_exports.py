"""Shimadzu LabSolutions ASCII parser against the demo exports shipped in ``sample_data/exports/shimadzu``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.shimadzu_labsolutions_ascii.parser import ShimadzuAsciiParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REPO = Path(__file__).resolve().parents[4]
DEMO_DIR = REPO / "sample_data" / "exports" / "shimadzu"
DEMO_EXPORTS = Path(__file__).parent / "demo_exports"


def parse(path: Path) -> ParsedFile:
    parser = ShimadzuAsciiParser()
    assert parser.sniff(path.read_bytes()[:4096], path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


@pytest.mark.parametrize("name", ["SMP-013.txt", "SMP-014.txt"])
def test_demo_exports_parse(golden: Golden, name: str) -> None:
    parsed = parse(DEMO_DIR / name)
    sample = Path(name).stem
    assert parsed.metadata["sample_id"] == sample
    assert set(parsed.results["sample_id"]) == {sample}
    named = parsed.results.dropna(subset=["peak_name"])
    assert 4 <= len(named) <= 6
    assert named["concentration"].notna().all()
    assert parsed.traces and len(parsed.traces[0].data) > 10
    assert parsed.warnings == ()
    golden.check(DEMO_EXPORTS / f"{sample}.json", snapshot(parsed, signal_max=True))


@pytest.mark.parametrize("name", ["SMP-013.txt", "SMP-014.txt"])
def test_registry_chooses_this_parser_for_demo_exports(name: str) -> None:
    parsed = discover_parsers().parse(DEMO_DIR / name)
    assert parsed.provenance.parser == "shimadzu_labsolutions_ascii"


def test_demo_export_values(golden: Golden) -> None:
    parsed = parse(DEMO_DIR / "SMP-013.txt")
    assert parsed.metadata["sample_name"] == "Caffeine standard 13"
    assert parsed.metadata["injection_time"] == "2025-03-11T09:42:17"
    caffeine = parsed.results[parsed.results["peak_name"] == "Caffeine"].iloc[0]
    assert (caffeine["retention_time_min"], caffeine["area"], caffeine["height"]) == (5.276, 669661, 74210)
    assert (caffeine["area_percent"], caffeine["concentration"]) == (39.0553, 14.063)
    assert math.isclose(float(parsed.results["area_percent"].sum()), 100.0, abs_tol=1e-3)
