"""Thermo Chromeleon text parser against the real 6.8 and 7.2 exports."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest.contract import RESULT_COLUMNS
from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.thermo_chromeleon_txt.parser import ChromeleonTextParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
V7 = "thermo-chromeleon-7/05_20170526_MME_AA_STD-Mix2_ED_1.txt"
V68 = "thermo-chromeleon-6.8/Adenosine Stadards_ 0.5 mM.txt"


def parse(path: Path) -> ParsedFile:
    parser = ChromeleonTextParser()
    assert parser.sniff(path.read_bytes()[:65536], path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


@pytest.mark.parametrize(("relative", "name"), [(V7, "v7_STD-Mix2_ED_1"), (V68, "v6_8_adenosine_standards")])
def test_real_export_matches_golden(
    instrument_exports: Path, golden: Golden, relative: str, name: str
) -> None:
    value = snapshot(parse(instrument_exports / relative))
    value["warnings"] = [w.replace(str(instrument_exports), "<exports>") for w in value["warnings"]]
    golden.check(REAL_EXPORTS / f"{name}.json", value)


def test_chromeleon_7_metadata_and_trace(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / V7)
    meta = parsed.metadata
    assert parsed.provenance.encoding == "utf-8"  # the BOM is consumed
    assert meta["sample_name"] == "20170526_MME_AA_STD-Mix2"
    assert meta["injection"] == "5"
    assert meta["vial"] == "5"
    assert meta["injection_time"] == "2017-05-26T16:52:02"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (25.0, "µL")
    assert meta["method"] == "0-400 mM NaAc 40 min_OHNE_PORT_B 1HZ"
    assert meta["sequence"] == "20170526_MME_Angel"
    assert meta["sample_type"] == "Unknown"
    assert list(parsed.results.columns[: len(RESULT_COLUMNS)]) == list(RESULT_COLUMNS)
    assert parsed.results.empty
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit) == ("ED_1", "nC")
    assert len(trace.data) == 3241  # "Data Points 3241"
    # First row "0,000000  n.a.  -0,089600": the n.a. step does not drop the point; decimal commas read.
    assert trace.data.iloc[0].tolist() == [0.0, -0.0896]
    assert trace.data.iloc[-1].tolist() == [54.0, 0.62815]
    assert math.isclose(float(trace.data["signal"].max()), 210.061603)  # "Signal Max. 210,061603"


def test_chromeleon_6_8_metadata_and_trace(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / V68)
    meta = parsed.metadata
    assert parsed.provenance.encoding == "cp1252"
    assert meta["sample_name"] == "A 0,5 mM"
    assert meta["sample_id"] == "19"
    assert meta["injection"] == "30"
    assert meta["vial"] == "RD2"
    assert meta["injection_time"] == "2023-02-02T15:20:12"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µL")
    assert meta["sequence"] == "20230131 Nr.23-25"
    assert meta["method"] == "20230109_isokratisch_Methode_49Min"
    assert parsed.results.empty
    (trace,) = parsed.traces
    assert (trace.channel, trace.signal_unit) == ("UV_VIS_1", "mAU")
    assert len(trace.data) == 26401
    assert trace.data.iloc[1].tolist() == [0.001667, -0.01855]
    assert math.isclose(float(trace.data["signal"].max()), 323.03872)  # "Signal Max. 323,038720"


@pytest.mark.parametrize("relative", [V7, V68])
def test_registry_chooses_this_parser(instrument_exports: Path, relative: str) -> None:
    parsed = discover_parsers().parse(instrument_exports / relative)
    assert parsed.provenance.parser == "thermo_chromeleon_txt"
