"""Agilent ChemStation CSV report parser against the real ``.D`` export (Report00.CSV + REPORTnn.CSV)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.agilent_chemstation_csv.parser import ChemStationCsvReportParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = "agilent-chemstation-csv-report/2022-01-28_11-35-44_ba.D"


def declared(report00: Path) -> dict[str, str]:
    """Report00.CSV's own key/value rows, read independently of the parser (simple regex)."""
    text = report00.read_bytes().decode("utf-16")
    return {m[1].strip(): m[2].strip('"') for m in re.finditer(r'^"([^"]*)",("[^"]*"|[^,]*),', text, re.M)}


@pytest.fixture
def export(instrument_exports: Path) -> Path:
    return instrument_exports / FOLDER


def parse(path: Path) -> ParsedFile:
    parser = ChemStationCsvReportParser()
    head = b"" if path.is_dir() else path.read_bytes()[:65536]
    assert parser.sniff(head, path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


def peaks(parsed: ParsedFile, signal: str) -> pd.DataFrame:
    return parsed.results[parsed.results["signal"] == signal].reset_index(drop=True)


def test_folder_matches_golden(export: Path, golden: Golden) -> None:
    golden.check(REAL_EXPORTS / "2022-01-28_11-35-44_ba.json", snapshot(parse(export), attachments=True))


def test_report00_alone_reads_the_sibling_tables_like_the_folder(export: Path) -> None:
    from_folder = parse(export)
    from_file = parse(export / "Report00.CSV")
    pd.testing.assert_frame_equal(from_folder.results, from_file.results)
    assert dict(from_file.metadata) == dict(from_folder.metadata)
    assert [p.name for p in from_file.attachments] == ["DAD1A.ch"]


def test_one_peak_table_per_declared_signal_with_its_rows(export: Path) -> None:
    parsed = parse(export)
    fields = declared(export / "Report00.CSV")
    signal_count = int(fields["Number of Signals"])
    assert signal_count == 3
    signals = [fields[f"Signal {n}"] for n in range(1, signal_count + 1)]
    assert list(parsed.results["signal"].unique()) == signals
    for number, signal in enumerate(signals, start=1):
        table = export / f"REPORT{number:02d}.CSV"
        lines = [line for line in table.read_bytes().decode("utf-16").splitlines() if line.strip()]
        assert len(peaks(parsed, signal)) == len(lines)
    assert [len(peaks(parsed, s)) for s in signals] == [18, 8, 9]


def test_peak_values_are_the_exported_numbers(export: Path) -> None:
    parsed = parse(export)
    first = peaks(parsed, "DAD1 A, Sig=210,4 Ref=425,50")
    main = first.iloc[12]
    assert main["peak_number"] == 13
    assert main["retention_time_min"] == pytest.approx(2.26847004890442)
    assert main["area"] == pytest.approx(1057.80114746094)
    assert main["height"] == pytest.approx(418.677795410156)
    assert main["area_percent"] == pytest.approx(35.7292583279718)
    assert main["peak_type"] == "VV R"
    assert main["peak_width_min"] == pytest.approx(0.034976158291101)
    assert (main["area_unit"], main["height_unit"]) == ("mAU*s", "mAU")
    last = peaks(parsed, "DAD1 C, Sig=250,4 Ref=425,50").iloc[-1]
    assert last["peak_number"] == 9
    second = peaks(parsed, "DAD1 B, Sig=230,4 Ref=425,50")
    assert second.iloc[-1]["area"] == pytest.approx(1614.80163574219)
    assert second.iloc[-1]["peak_type"] == "VBA"
    for signal, group in parsed.results.groupby("signal"):
        assert group["area_percent"].sum() == pytest.approx(100.0, abs=1e-6), signal


def test_run_metadata(export: Path) -> None:
    meta = parse(export).metadata
    assert meta["sample_name"] == "ba"
    assert meta["injection_time"] == "2022-01-28T11:36:29"
    assert meta["instrument"] == "micdrop_hplc"
    assert meta["operator"] == "SYSTEM"
    assert meta["method"] == "micdrop_1.M"
    assert meta["vial"] == "51"
    assert meta["injection"] == "1"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (1.0, "µl")
    assert meta["sequence"] == "knoevenagel_react.S"
    assert meta["data_file"] == "2022-01-28_11-35-44_ba.D"
    assert meta["signal_count"] == 3
    assert parse(export).results["sample_name"].unique().tolist() == ["ba"]


def test_signal_file_is_attached_and_decoded_as_the_first_signal(export: Path) -> None:
    parsed = parse(export)
    assert parsed.attachments == (export / "DAD1A.ch",)
    (trace,) = parsed.traces
    assert trace.channel == "DAD1 A, Sig=210,4 Ref=425,50"  # the report's spelling of the same signal
    assert trace.signal_unit == "mAU"
    assert len(trace.data) == 4787
    assert trace.data["time_min"].iloc[0] == pytest.approx(0.0)
    # The biggest peak of signal A in the report (RT 2.268, height 418.7 mAU) is in the trace.
    near = trace.data[(trace.data["time_min"] - 2.268).abs() < 0.02]
    assert near["signal"].max() == pytest.approx(418.68, rel=0.02)


def test_registry_chooses_this_parser_for_the_folder_and_report00(export: Path) -> None:
    registry = discover_parsers(third_party=False)
    assert registry.choose(export).name == "agilent_chemstation_csv"
    assert registry.choose(export / "Report00.CSV").name == "agilent_chemstation_csv"
    assert len(registry.parse(export).results) == 35
