"""ASM parser against the documents written for it in ``testdata/`` (always run).

One document per technique and the quirks ASM writers produce: allotropy's placeholders (``-0.0`` with an
error document, ``N/A``, the Unix epoch as "no time"), luminescence at 0 nm, a group mean over wells, an
error naming no value, cubes over time (kept as traces) and over wavelength or cycles (left out, with a
warning), densities in cells/mL and the Greek mu, analytes in different units, a UTF-16 copy with a BOM.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.testdata import check_pair, pair_inputs, pytest_params

TESTDATA = Path(__file__).parent / "testdata"
INPUTS = pair_inputs(TESTDATA)


def parse(name: str) -> ParsedFile:
    return discover_parsers().parse(TESTDATA / name)


def test_every_technique_has_an_input() -> None:
    assert [p.name for p in INPUTS] == [
        "cell_counting_cells_per_ml.json",
        "liquid_chromatography_peak_and_cube.json",
        "other_technique_electrophoresis.json",
        "plate_reader_kinetic_utf16.json",
        "plate_reader_luminescence_quirks.json",
        "qpcr_undetermined_and_ct_mean.json",
        "solution_analyzer_analytes.json",
        "spectrophotometry_concentration_and_ratio.json",
    ]


@pytest.mark.parametrize("path", pytest_params(INPUTS))
def test_parse_matches_expected_output(path: Path, golden: Golden) -> None:
    check_pair(path, "asm", golden)


def test_techniques_come_from_the_manifest() -> None:
    assert {p.name: discover_parsers().parse(p).technique for p in INPUTS} == {
        "cell_counting_cells_per_ml.json": "cell_counting",
        "liquid_chromatography_peak_and_cube.json": "liquid_chromatography",
        "other_technique_electrophoresis.json": "other",
        "plate_reader_kinetic_utf16.json": "plate_reader",
        "plate_reader_luminescence_quirks.json": "plate_reader",
        "qpcr_undetermined_and_ct_mean.json": "qpcr",
        "solution_analyzer_analytes.json": "solution_analysis",
        "spectrophotometry_concentration_and_ratio.json": "spectrophotometry",
    }


def test_plate_reader_placeholders_errors_and_group_means() -> None:
    parsed = parse("plate_reader_luminescence_quirks.json")
    rows = parsed.results.astype(object).where(parsed.results.notna(), None).to_dict("records")
    by_well = {(r["well"], r["read_type"]): r for r in rows}
    # The overflow well's placeholder (-0.0) is no value; the instrument's reason is kept.
    assert by_well[("C2", "luminescence")]["value"] is None
    assert by_well[("C2", "luminescence")]["error"] == "OVRFLW"
    # Luminescence states 0 nm: no wavelength was selected.
    assert {r["wavelength_nm"] for r in rows} == {None}
    # "N/A" is not a sample identifier; the epoch is allotropy's "no time".
    assert by_well[("C3", "luminescence")]["sample_id"] is None
    assert {r["measurement_time"] for r in rows} == {None}
    # An error naming no value of the document (one point of a spectrum) is a row of its own.
    assert by_well[("C4", "470.0nm")]["error"] == "Saturated"
    # A mean over two wells belongs to neither well.
    (mean,) = [r for r in rows if r["read_type"] == "Mean RLU"]
    assert (mean["well"], mean["sample_id"], mean["value"], mean["result_kind"]) == (
        None,
        None,
        62650.0,
        "calculated",
    )
    assert parsed.warnings == (
        "Data cubes over something other than time are not kept (only time traces are): "
        "1 'fluorescence emission spectrum data cube'.",
    )
    assert parsed.metadata["instrument"] == "READER-3"  # model number N/A
    assert "asm_converter" not in parsed.metadata


def test_kinetic_cubes_become_traces_in_minutes_and_rates_are_calculated_rows() -> None:
    parsed = parse("plate_reader_kinetic_utf16.json")
    assert parsed.provenance.encoding == "utf-16"
    assert [t.channel for t in parsed.traces] == ["KIN-1 A1 kinetic", "KIN-1 A2 kinetic"]
    assert parsed.traces[0].data["time_min"].tolist() == [0.0, 0.5, 1.0, 1.5]
    assert parsed.traces[0].signal_unit == "RFU"
    results = parsed.results
    # Each kinetic well has a row naming its trace (no value), then its calculated rate.
    assert results["read_type"].tolist() == ["fluorescence", "fluorescence", "Vmax", "Vmax"]
    assert results["trace"].tolist()[:2] == ["KIN-1 A1 kinetic", "KIN-1 A2 kinetic"]
    assert results["value"].isna().tolist() == [True, True, False, False]
    assert results["value_unit"].tolist() == ["RFU", "RFU", "RFU/s", "RFU/s"]
    assert results["wavelength_nm"].tolist() == [525.0] * 4
    assert results["excitation_wavelength_nm"].tolist() == [485.0] * 4
    assert parsed.column_units == {"compartment_temperature": "degC", "read_interval_setting": "s"}


def test_qpcr_undetermined_well_and_ct_mean_on_its_replicates() -> None:
    results = parse("qpcr_undetermined_and_ct_mean.json").results
    assert results["cq"].isna().tolist() == [False, False, True]
    assert results["error"].tolist()[2] == "cycle threshold result (qPCR): Undetermined"
    assert results["ct_mean"].tolist()[:2] == [24.2, 24.2] and pd.isna(results["ct_mean"].tolist()[2])
    assert results["cq_threshold"].tolist() == [0.15, 0.15, 0.15]
    assert results["sample_id"].tolist() == ["SMP-004", "SMP-004", "NTC"]


def test_cell_densities_are_converted_to_the_contract_unit() -> None:
    parsed = parse("cell_counting_cells_per_ml.json")
    row = parsed.results.iloc[0]
    assert (row["viable_cell_density"], row["total_cell_density"]) == (1.25, 1.5)
    assert row["average_viable_cell_diameter_um"] == 12.9  # written with the Greek mu
    assert row["viable_cell_count"] is pd.NA


def test_analytes_keep_their_units_and_errors() -> None:
    results = parse("solution_analyzer_analytes.json").results
    assert results[["analyte", "value_unit"]].values.tolist() == [
        ["pH", "pH"],
        ["glucose", "mmol/L"],
        ["IgG", "g/L"],
        ["lactate", "mmol/L"],
    ]
    lactate = results[results["analyte"] == "lactate"].iloc[0]
    assert lactate["error"] == "< 0.50" and lactate["value"] is pd.NA


def test_lc_peaks_in_minutes_with_their_trace() -> None:
    parsed = parse("liquid_chromatography_peak_and_cube.json")
    peak = parsed.results.iloc[0]
    assert (peak["retention_time_min"], peak["area"], peak["area_unit"], peak["signal"]) == (
        2.05,
        316.3,
        "mAU.s",
        "UV 273 nm",
    )
    assert parsed.metadata["injection_volume_unit"] == "µL"
    assert parsed.traces[0].data["time_min"].tolist() == [0.0, 1.0, 2.0, 3.0]
