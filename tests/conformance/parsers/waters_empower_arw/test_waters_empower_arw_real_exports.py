"""Waters Empower ARW parser against the real exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.waters_empower_arw.parser import EmpowerArwParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = "waters-empower-arw"


def parse(path: Path) -> ParsedFile:
    parser = EmpowerArwParser()
    assert parser.sniff(path.read_bytes()[:65536], path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


@pytest.mark.parametrize("name", ["results1844", "results_empty"])
def test_real_export_matches_golden(instrument_exports: Path, golden: Golden, name: str) -> None:
    golden.check(
        REAL_EXPORTS / f"{name}.json",
        snapshot(parse(instrument_exports / FOLDER / f"{name}.arw"), results="count"),
    )


def test_results1844_cr_only_export(instrument_exports: Path) -> None:
    path = instrument_exports / FOLDER / "results1844.arw"
    rows = path.read_bytes().count(b"\r") - 2  # every line ends in a lone CR; two are header lines
    parsed = parse(path)
    assert parsed.metadata["sample_name"] == "SEC_08"
    assert parsed.metadata["sequence"] == "Exp105_ENaC_SEC"
    assert parsed.metadata["method"] == "Sup6Inc_10_300_TrpGFP_LineA"
    assert parsed.results.empty
    (trace,) = parsed.traces
    assert trace.channel == "2475ChA ex280/em350"
    assert len(trace.data) == rows == 6601
    assert trace.data.iloc[6].tolist() == [0.05, 0.1827927]
    assert trace.data.iloc[-1].tolist() == [55.0, -10.73592]
    assert parsed.warnings == ()


def test_results_empty_is_valid_with_a_warning(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "results_empty.arw")
    assert parsed.metadata["sample_name"] == "12"
    assert parsed.metadata["sequence"] == "Exp106_SEC"
    (trace,) = parsed.traces
    assert trace.data.empty and list(trace.data.columns) == ["time_min", "signal"]
    assert any("no data rows" in w for w in parsed.warnings)


@pytest.mark.parametrize("name", ["results1844", "results_empty"])
def test_registry_chooses_this_parser(instrument_exports: Path, name: str) -> None:
    parsed = discover_parsers().parse(instrument_exports / FOLDER / f"{name}.arw")
    assert parsed.provenance.parser == "waters_empower_arw"
