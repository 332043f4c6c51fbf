"""Agilent OpenLab CDS chromatogram CSV against the real export ``NAI-A594_1H_RT.CSV``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.agilent_openlab_trace_csv.parser import OpenLabTraceCsvParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FILE = "agilent-openlab-csv-trace/NAI-A594_1H_RT.CSV"


@pytest.fixture
def export(instrument_exports: Path) -> Path:
    return instrument_exports / FILE


def parse(path: Path) -> ParsedFile:
    parser = OpenLabTraceCsvParser()
    assert parser.sniff(path.read_bytes()[:65536], path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


def test_matches_golden(export: Path, golden: Golden) -> None:
    golden.check(REAL_EXPORTS / "NAI-A594_1H_RT.json", snapshot(parse(export), attachments=True))


def test_trace_holds_every_row_of_the_file(export: Path) -> None:
    parsed = parse(export)
    lines = [line for line in export.read_bytes().decode("utf-16").splitlines() if line.strip()]
    (trace,) = parsed.traces
    assert len(trace.data) == len(lines) == 26401
    assert trace.data.iloc[0].tolist() == [0.000416666666667, 0.004291534423828]
    assert trace.data.iloc[-1].tolist() == [22.0004166666667, -0.60415267944336]
    assert trace.data["time_min"].is_monotonic_increasing
    assert [str(dtype) for dtype in trace.data.dtypes] == ["float64", "float64"]


def test_trace_only_with_the_file_stem_as_sample_name(export: Path) -> None:
    parsed = parse(export)
    assert parsed.results.empty
    assert dict(parsed.metadata) == {"sample_name": "NAI-A594_1H_RT"}
    assert parsed.traces[0].channel == "NAI-A594_1H_RT"
    assert parsed.traces[0].signal_unit is None
    assert parsed.provenance.encoding == "utf-16"


def test_reads_fast(export: Path) -> None:
    parse(export)  # warm imports
    started = time.perf_counter()
    parse(export)
    assert time.perf_counter() - started < 1.0


def test_registry_chooses_it_and_no_other_csv(instrument_exports: Path, export: Path) -> None:
    registry = discover_parsers(third_party=False)
    assert registry.choose(export).name == "agilent_openlab_trace_csv"
    parser = OpenLabTraceCsvParser()
    others = [
        instrument_exports / "agilent-chemstation-text-report" / "dad1.csv",
        instrument_exports / "cytiva-unicorn-csv" / "2018_0809SEC-nanodisc-FLENaC 001.csv",
        instrument_exports / "agilent-chemstation-csv-report" / "2022-01-28_11-35-44_ba.D" / "Report00.CSV",
        instrument_exports / "agilent-chemstation-csv-report" / "2022-01-28_11-35-44_ba.D" / "REPORT01.CSV",
        instrument_exports
        / "agilent-chemstation-ch"
        / "rainbow"
        / "expected_outputs"
        / "brown"
        / "dad1A.csv",
    ]
    for other in others:
        assert not parser.sniff(other.read_bytes()[:65536], other), other.name
