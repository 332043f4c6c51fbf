"""Agilent ChemStation text report parser against the real ``RUTIN2.D/Report.TXT``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.agilent_chemstation_txt.parser import ChemStationTextReportParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = "agilent-chemstation-text-report/RUTIN2.D"
SIGNALS = [
    "DAD1 A, Sig=254,8 Ref=off",
    "DAD1 C, Sig=320,8 Ref=off",
    "DAD1 D, Sig=360,8 Ref=off",
    "DAD1 E, Sig=210,8 Ref=off",
    "DAD1 B, Sig=230,8 Ref=off",
]


@pytest.fixture
def export(instrument_exports: Path) -> Path:
    return instrument_exports / FOLDER


def parse(path: Path) -> ParsedFile:
    parser = ChemStationTextReportParser()
    head = b"" if path.is_dir() else path.read_bytes()[:65536]
    assert parser.sniff(head, path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


def printed_tables(report: Path) -> dict[str, list[str]]:
    """Each signal's printed peak lines, found independently of the parser (lines starting with a number)."""
    tables: dict[str, list[str]] = {}
    current: list[str] = []
    for line in report.read_bytes().decode("utf-16").splitlines():
        heading = re.match(r"^Signal \d+: (.*)$", line)
        if heading:
            current = tables.setdefault(heading[1].strip(), [])
        elif re.match(r"^\s+\d+\s+\d+\.\d+ ", line):
            current.append(line)
    return tables


def peaks(parsed: ParsedFile, signal: str) -> pd.DataFrame:
    return parsed.results[parsed.results["signal"] == signal].reset_index(drop=True)


def test_folder_matches_golden(export: Path, golden: Golden) -> None:
    golden.check(REAL_EXPORTS / "RUTIN2.json", snapshot(parse(export), attachments=True))


def test_report_alone_parses_like_the_folder(export: Path) -> None:
    pd.testing.assert_frame_equal(parse(export).results, parse(export / "Report.TXT").results)


def test_peak_counts_per_signal_match_the_printed_tables(export: Path) -> None:
    parsed = parse(export)
    printed = printed_tables(export / "Report.TXT")
    assert list(printed) == SIGNALS
    assert list(parsed.results["signal"].unique()) == SIGNALS
    counts = {signal: len(peaks(parsed, signal)) for signal in SIGNALS}
    assert counts == {signal: len(lines) for signal, lines in printed.items()}
    assert list(counts.values()) == [26, 10, 25, 28, 33]
    for signal in SIGNALS:
        assert peaks(parsed, signal)["peak_number"].tolist() == list(range(1, counts[signal] + 1))


def test_peak_values_including_exponent_notation(export: Path) -> None:
    parsed = parse(export)
    first = peaks(parsed, SIGNALS[0])
    assert first.iloc[0][["retention_time_min", "area", "height", "area_percent"]].tolist() == pytest.approx(
        [1.442, 831.18597, 22.49623, 4.4047]
    )
    assert first.iloc[0]["peak_type"] == "BV"
    assert first.iloc[0]["peak_width_min"] == pytest.approx(0.4671)
    assert first.iloc[12]["height"] == pytest.approx(0.648446)  # printed 6.48446e-1
    assert first.iloc[25][["retention_time_min", "peak_type"]].tolist() == [pytest.approx(34.401), "VBA"]
    big = peaks(parsed, SIGNALS[3]).iloc[27]
    assert big["area"] == pytest.approx(19002.5)  # printed 1.90025e4
    assert big["height"] == pytest.approx(698.83405)
    assert (big["area_unit"], big["height_unit"]) == ("mAU*s", "mAU")
    assert peaks(parsed, SIGNALS[4]).iloc[-1]["area_percent"] == pytest.approx(27.8398)


def test_totals_rows_are_not_peaks_and_agree_with_the_sums(export: Path) -> None:
    parsed = parse(export)
    assert parsed.warnings == ()
    areas = parsed.results.groupby("signal", sort=False)["area"].sum()
    # The printed Totals, e.g. "Totals :  1.88706e4  648.01411" for signal 1.
    assert areas[SIGNALS[0]] == pytest.approx(18870.6, abs=0.05)
    assert areas[SIGNALS[1]] == pytest.approx(8251.91277, abs=1e-4)


def test_header_metadata_with_wrapped_paths(export: Path) -> None:
    meta = parse(export).metadata
    assert meta["sample_name"] == "Rutin_2"
    assert meta["operator"] == "AK"
    assert meta["instrument"] == "Instrument 1"
    assert meta["injection_time"] == "2015-09-23T00:43:30"
    assert meta["vial"] == "9"
    assert meta["injection"] == "1"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (15.0, "µl")
    assert meta["sequence"] == "DEF_LC.S"  # wrapped as "...DEF_" + "LC.S"
    assert meta["method"] == "RAYKODTA.M"
    assert meta["sequence_line"] == 10
    assert meta["report_title"] == "Area Percent Report"
    assert meta["signal_count"] == 5


def test_registry_chooses_this_parser(export: Path) -> None:
    registry = discover_parsers(third_party=False)
    assert registry.choose(export).name == "agilent_chemstation_txt"
    assert registry.choose(export / "Report.TXT").name == "agilent_chemstation_txt"
    assert len(registry.parse(export).results) == 122
