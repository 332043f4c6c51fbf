"""Shimadzu LabSolutions / LCsolution ASCII parser against the real exports in ``../shared``."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers, validate_parsed
from parsers.shimadzu_labsolutions_ascii.parser import ShimadzuAsciiParser
from tests.support.golden import Golden
from tests.support.parser_snapshots import snapshot

REAL_EXPORTS = Path(__file__).parent / "real_exports"
FOLDER = "shimadzu-labsolutions"


def parse(path: Path) -> ParsedFile:
    parser = ShimadzuAsciiParser()
    assert parser.sniff(path.read_bytes()[:4096], path), f"{path.name} is not claimed by sniff()"
    return validate_parsed(parser.parse(path), file=path)


def peaks(parsed: ParsedFile, signal: str) -> pd.DataFrame:
    return parsed.results[parsed.results["signal"] == signal].reset_index(drop=True)


@pytest.mark.parametrize("name", ["STD_25.txt", "new-shim-1.txt", "Output-sample 0.txt"])
def test_real_export_matches_golden(instrument_exports: Path, golden: Golden, name: str) -> None:
    parsed = parse(instrument_exports / FOLDER / name)
    value = snapshot(parsed, signal_max=True)
    # Warnings name the file; the expected output must not depend on where the exports folder is.
    value["warnings"] = [w.replace(str(instrument_exports), "<exports>") for w in value["warnings"]]
    golden.check(REAL_EXPORTS / f"{Path(name).stem.replace(' ', '_')}.json", value)


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("STD_25.txt", {"Detector A-Ch1": 1, "Detector A-Ch2": 7, "Detector B": 5}),
        ("new-shim-1.txt", {"Detector A": 11, "Detector B": 41, "AD2": 6}),
        ("Output-sample 0.txt", {"Detector A-Ch1": 14}),
    ],
)
def test_peak_counts_follow_the_files_own_peak_counts(
    instrument_exports: Path, name: str, counts: dict[str, int]
) -> None:
    path = instrument_exports / FOLDER / name
    raw = path.read_bytes().decode("latin-1")
    # The files' own "# of Peaks" lines, in section order, are the expected counts (zeros included).
    announced = [
        int(line.replace(",", "\t").split("\t")[1]) for line in raw.splitlines() if "# of Peaks" in line
    ]
    parsed = parse(path)
    assert parsed.results.groupby("signal").size().to_dict() == counts
    assert sorted(announced) == sorted([*counts.values(), *[0] * (len(announced) - len(counts))])


def test_std_25_names_peaks_from_compound_results(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "STD_25.txt")
    detector_b = peaks(parsed, "Detector B")
    named = detector_b.dropna(subset=["peak_name"])
    assert named["peak_name"].tolist() == ["Glucose", "Lactate", "Acetate", "Ethanol"]
    glucose = named.iloc[0]
    assert glucose["retention_time_min"] == 11.395
    assert glucose["area"] == 209408
    assert glucose["height"] == 11556
    assert glucose["concentration"] == 27.775
    assert glucose["compound_id"] == "1"
    assert (glucose["area_unit"], glucose["height_unit"]) == ("µV*s", "µV")
    ethanol = named.iloc[3]
    assert (ethanol["retention_time_min"], ethanol["concentration"]) == (26.165, 342.5)
    # Formate was not found (R.Time 0.000 in the compound table) and names no peak.
    assert "Formate" not in set(parsed.results["peak_name"].dropna())
    # The unidentified first peak carries no concentration (its Conc. 0.000 is not a measurement).
    assert pd.isna(detector_b.loc[0, "concentration"]) and pd.isna(detector_b.loc[0, "peak_name"])
    big = peaks(parsed, "Detector A-Ch2").iloc[3]
    assert (big["peak_number"], big["retention_time_min"], big["area"], big["height"]) == (
        4,
        15.363,
        897283,
        43738,
    )
    assert big["peak_mark"] == "SV"


def test_std_25_metadata(instrument_exports: Path) -> None:
    meta = parse(instrument_exports / FOLDER / "STD_25.txt").metadata
    assert meta["sample_name"] == "STD 1 25"
    assert meta["sample_id"] == "STD 1 25"
    # "Output Date 21/08/2024" in the same file shows the PC writes the day first.
    assert meta["injection_time"] == "2023-08-02T16:11:10"
    assert meta["vial"] == "27"
    assert (meta["injection_volume"], meta["injection_volume_unit"]) == (10.0, "µL")
    assert meta["sample_type"] == "Standard"
    assert meta["instrument"] == "HPLC RID"
    assert meta["method"] == "fermentation_nobutanol-96"
    assert meta["sequence"] == "Butanol LpTZ 02-08-2023"
    assert meta["operator"] == "System Administrator"


def test_std_25_traces_are_scaled_by_the_intensity_multiplier(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "STD_25.txt")
    traces = {t.channel: t for t in parsed.traces}
    assert list(traces) == ["Detector A-Ch1", "Detector A-Ch2", "Detector B-Ch1"]
    detector_b = traces["Detector B-Ch1"]
    assert detector_b.signal_unit == "mV"
    assert len(detector_b.data) == 3361
    # Raw 11586 (µV) at 11.39167 min is the glucose apex: 11.586 mV after the 0.001 multiplier.
    apex = detector_b.data[(detector_b.data["time_min"] > 11.3) & (detector_b.data["time_min"] < 11.5)]
    assert math.isclose(float(apex["signal"].max()), 11.586)
    assert list(detector_b.data.dtypes.astype(str)) == ["float64", "float64"]


def test_new_shim_us_dates_and_unnamed_peaks(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "new-shim-1.txt")
    meta = parsed.metadata
    assert meta["sample_name"] == meta["sample_id"] == "Tommy-S-1-031022"
    assert meta["injection_time"] == "2022-03-10T21:53:59"
    assert (meta["vial"], meta["injection_volume"]) == ("21", 20.0)
    assert parsed.results["peak_name"].isna().all()
    ad2 = peaks(parsed, "AD2")
    assert (ad2.loc[0, "retention_time_min"], ad2.loc[0, "area"], ad2.loc[0, "height"]) == (4.1, 61456, 1883)
    detector_b = peaks(parsed, "Detector B")
    assert (detector_b.loc[9, "peak_number"], detector_b.loc[9, "area"]) == (10, 157855975)
    assert [t.channel for t in parsed.traces] == ["Detector A-Ch1", "Detector B-Ch1", "AD2"]


def test_lcsolution_cp1250_comma_export(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "Output-sample 0.txt")
    assert parsed.provenance.encoding == "cp1250"
    meta = parsed.metadata
    assert meta["injection_time"] == "2012-02-21T13:16:57"
    assert meta["sample_name"] == "0"
    assert "sample_id" not in meta  # exported empty
    # cp1250, not cp1252: the batch folder is the Croatian "baždarci".
    assert (
        meta["batch_file"]
        == "C:\\LabSolutions\\Data\\aldolaze\\Martina\\baždarci\\aldol-aldehid-01022012\\lista.lcb"
    )
    assert meta["sequence"] == "lista"
    assert meta["software"] == "LCsolution"
    named = parsed.results.dropna(subset=["peak_name"])
    assert named["peak_name"].tolist() == ["RT8.063"]
    assert (named.iloc[0]["peak_number"], named.iloc[0]["area"], named.iloc[0]["height"]) == (
        10,
        2838883,
        74297,
    )
    trace = parsed.traces[0]
    assert (trace.channel, len(trace.data)) == ("Detector A-Ch1", 1801)
    assert math.isclose(float(trace.data["signal"].iloc[0]), -0.132)


@pytest.mark.parametrize("name", ["STD_25.txt", "new-shim-1.txt", "Output-sample 0.txt"])
def test_registry_chooses_this_parser_for_real_exports(instrument_exports: Path, name: str) -> None:
    parsed = discover_parsers().parse(instrument_exports / FOLDER / name)
    assert parsed.provenance.parser == "shimadzu_labsolutions_ascii"
