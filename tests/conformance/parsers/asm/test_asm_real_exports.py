"""ASM parser against allotropy's ASM for real exports (``../shared/instrument-exports/allotropy-asm``).

Each ``output/*.json`` there is allotropy's reading of a real instrument file: SoftMax Pro and Gen5 plate
readers, QuantStudio and CFX Maestro qPCR, a Vi-CELL BLU cell counter, a Cedex BioHT analyser and three
chromatography data systems. The expected values are read here straight from the JSON, by a walk that
shares no code with the parser: every measured value with its unit, well, plate and sample, every Cq,
every cell density, every analyte, every peak.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ingest.models import ParsedFile
from parsers import validate_parsed
from parsers.asm.parser import AsmParser

FOLDER = Path("allotropy-asm")
EPOCH = "1970-01-01T00:00:00"


def outputs(instrument: str) -> list[str]:
    """The output file names of one instrument folder (listed here so a missing file fails a test)."""
    return {
        "moldev_softmax_pro": [
            "MD_SMP_absorbance_endpoint_example05.json",
            "MD_SMP_luminescence_endpoint_example03.json",
            "abs_endpoint_plates.json",
            "fl_kinetic_plates.json",
            "no_measurements.json",
            "spectramax340_kinetic_partial_plate.json",
        ],
        "agilent_gen5": [
            "alphalisa_test_2.json",
            "endpoint_single_plate_example.json",
            "endpoint_singleplate_without_bandwidth.json",
            "spectral_scan.json",
            "spectrum_emission_data.json",
            "spectrum_excitation_data.json",
        ],
        "appbio_quantstudio": [
            "appbio_quantstudio_example05.json",
            "appbio_quantstudio_minimal_broken_path_calc_doc.json",
            "appbio_quantstudio_minimal_missing_results.json",
            "appbio_quantstudio_minimal_test01.json",
            "appbio_quantstudio_minimal_test02.json",
            "appbio_quantstudio_minimal_test03.json",
        ],
        "cfxmaestro": ["example01.json"],
        "beckman_vi_cell_blu": [
            "Beckman_Vi-Cell-BLU_different_mu_character.json",
            "Beckman_Vi-Cell-BLU_example01.json",
            "Beckman_Vi-Cell-BLU_example01_utf16.json",
            "Beckman_Vi-Cell-BLU_example02.json",
        ],
        "roche_cedex_bioht": [
            "roche_cedex_bioht_example01.json",
            "roche_cedex_bioht_example02.json",
            "roche_cedex_bioht_example04.json",
            "roche_cedex_bioht_example_with_mg_L.json",
            "roche_cedex_bioht_v5_multiple_detection_ranges.json",
            "roche_cedex_bioht_v7_dilution_and_replicates.json",
        ],
    }[instrument]


def cases(*instruments: str) -> list[Any]:
    return [pytest.param(i, name, id=f"{i}/{name}") for i in instruments for name in outputs(i)]


def parse(path: Path) -> ParsedFile:
    head = path.read_bytes()[:65536]
    assert AsmParser().sniff(head, path)
    return validate_parsed(AsmParser().parse(path), file=path)


def measurement_documents(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "measurement document" and isinstance(value, list):
                yield from value
            else:
                yield from measurement_documents(value)
    elif isinstance(node, list):
        for item in node:
            yield from measurement_documents(item)


def errors_of(doc: dict[str, Any]) -> dict[str, str]:
    documents = doc.get("error aggregate document", {}).get("error document", [])
    return {d.get("error feature", "").lower(): d["error"] for d in documents}


def rows(parsed: ParsedFile) -> list[dict[str, Any]]:
    frame = parsed.results
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def text(value: Any) -> str | None:
    return None if value in (None, "", "N/A") else str(value)


@pytest.mark.parametrize("instrument", ["moldev_softmax_pro", "agilent_gen5", "appbio_quantstudio"])
def test_every_output_is_covered(instrument_exports: Path, instrument: str) -> None:
    found = sorted(p.name for p in (instrument_exports / FOLDER / instrument / "output").glob("*.json"))
    assert found == sorted(outputs(instrument))


@pytest.mark.parametrize(("instrument", "name"), cases("moldev_softmax_pro", "agilent_gen5"))
def test_plate_reader_values_wells_units_and_samples(
    instrument_exports: Path, instrument: str, name: str
) -> None:
    path = instrument_exports / FOLDER / instrument / "output" / name
    document = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse(path)
    assert parsed.technique == "plate_reader"
    # Measured values (a data cube's row names the cube and holds no value: see the kinetic test).
    measured = [
        r
        for r in rows(parsed)
        if r["result_kind"] == "measured" and r["value_unit"] is not None and r.get("data_cube") is None
    ]
    expected = []
    for doc in measurement_documents(document):
        sample = doc["sample document"]
        errors = errors_of(doc)
        detection = doc["device control aggregate document"]["device control document"][0]["detection type"]
        for key in ("absorbance", "fluorescence", "luminescence"):
            if key in doc:
                failed = key in errors or detection.lower() in errors
                value = None if failed else doc[key]["value"]
                expected.append(
                    (
                        text(sample.get("sample identifier")),
                        sample["location identifier"],
                        sample.get("well plate identifier"),
                        key,
                        value,
                        doc[key]["unit"],
                    )
                )
    ours = [
        (r["sample_id"], r["well"], r["plate_id"], r["read_type"], r["value"], r["value_unit"])
        for r in measured
    ]
    assert ours == expected
    wells = {(r["plate_id"], r["well"]) for r in rows(parsed) if r["well"]}
    expected_wells = {
        (d["sample document"].get("well plate identifier"), d["sample document"]["location identifier"])
        for d in measurement_documents(document)
    }
    assert wells == expected_wells
    calculated = document["plate reader aggregate document"].get("calculated data aggregate document", {})
    n_calculated = len(calculated.get("calculated data document", []))
    assert sum(r["result_kind"] == "calculated" for r in rows(parsed)) >= n_calculated


def test_softmax_plate_well_counts_and_overflow(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "moldev_softmax_pro" / "output" / "abs_endpoint_plates.json")
    measured = [r for r in rows(parsed) if r["result_kind"] == "measured"]
    assert len(measured) == 288  # 96 wells x 3 reads
    assert len({r["well"] for r in measured}) == 96
    assert {r["plate_well_count"] for r in measured} == {96.0}
    assert [r["error"] for r in measured if r["error"]] == ["Path?"]
    assert parsed.metadata["plate_id"] == "Plate1"


def test_gen5_concentrations_sit_on_their_wells(instrument_exports: Path) -> None:
    parsed = parse(
        instrument_exports / FOLDER / "agilent_gen5" / "output" / "endpoint_single_plate_example.json"
    )
    concentration = {
        r["well"]: (r["value"], r["error"]) for r in rows(parsed) if r["read_type"] == "[Concentration]"
    }
    assert concentration["A1"][1] == ">209.845" and concentration["A1"][0] is None
    assert parsed.metadata["instrument"] == "Synergy Neo2"
    assert parsed.column_units["compartment_temperature"] == "degC"


@pytest.mark.parametrize(("instrument", "name"), cases("appbio_quantstudio", "cfxmaestro"))
def test_qpcr_cq_per_well_and_target(instrument_exports: Path, instrument: str, name: str) -> None:
    path = instrument_exports / FOLDER / instrument / "output" / name
    document = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse(path)
    assert parsed.technique == "qpcr"
    expected = []
    for doc in measurement_documents(document):
        processed = doc.get("processed data aggregate document", {}).get("processed data document", [{}])[0]
        cq = processed.get("cycle threshold result (qPCR)", {}).get("value")
        sample = doc["sample document"]
        expected.append(
            (
                sample.get("well location identifier") or sample.get("location identifier"),
                text(sample.get("sample identifier")),
                text(doc.get("target DNA description")),
                doc["device control aggregate document"]["device control document"][0].get(
                    "reporter dye setting"
                ),
                cq,
            )
        )
    ours = [(r["well"], r["sample_id"], r["target"], r["reporter_dye"], r["cq"]) for r in rows(parsed)]
    assert ours == expected


def test_cfx_has_48_wells_with_cq_and_no_threshold(instrument_exports: Path) -> None:
    parsed = parse(instrument_exports / FOLDER / "cfxmaestro" / "output" / "example01.json")
    results = parsed.results
    assert len(results) == 48 and results["cq"].notna().all()
    # The threshold is a placeholder with "Value not provided in instrument file": no value, not 0.
    assert results["cq_threshold"].isna().all()
    assert results["error"].str.contains("cycle threshold value setting").all()


@pytest.mark.parametrize(("instrument", "name"), cases("beckman_vi_cell_blu"))
def test_cell_counts_per_sample(instrument_exports: Path, instrument: str, name: str) -> None:
    path = instrument_exports / FOLDER / instrument / "output" / name
    document = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse(path)
    assert parsed.technique == "cell_counting"
    expected = []
    for doc in measurement_documents(document):
        processed = doc["processed data aggregate document"]["processed data document"][0]
        density = processed["viable cell density (cell counter)"]
        assert density["unit"] == "10^6 cells/mL"
        expected.append(
            (
                doc["sample document"]["sample identifier"],
                density["value"],
                processed["viability (cell counter)"]["value"],
                processed.get("total cell count", {}).get("value"),
                processed["average live cell diameter (cell counter)"]["value"],
            )
        )
    ours = [
        (
            r["sample_id"],
            r["viable_cell_density"],
            r["viability_percent"],
            r["total_cell_count"],
            r["average_viable_cell_diameter_um"],
        )
        for r in rows(parsed)
    ]
    assert ours == expected


@pytest.mark.parametrize(("instrument", "name"), cases("roche_cedex_bioht"))
def test_analytes_with_units_per_sample(instrument_exports: Path, instrument: str, name: str) -> None:
    path = instrument_exports / FOLDER / instrument / "output" / name
    document = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse(path)
    assert parsed.technique == "solution_analysis"
    expected = []
    for doc in measurement_documents(document):
        errors = errors_of(doc)
        for key, value in doc.items():
            if isinstance(value, dict) and "value" in value and key not in ("compartment temperature",):
                expected.append(
                    (doc["sample document"]["sample identifier"], key, value["value"], value["unit"])
                )
        for analyte in doc.get("analyte aggregate document", {}).get("analyte document", []):
            (quantity,) = [v for v in analyte.values() if isinstance(v, dict) and "value" in v]
            name_ = analyte["analyte name"]
            failed = any(f == name_.lower() or f.startswith(f"{name_.lower()} ") for f in errors)
            expected.append(
                (
                    doc["sample document"]["sample identifier"],
                    name_,
                    None if failed else quantity["value"],
                    quantity["unit"],
                )
            )
    ours = [(r["sample_id"], r["analyte"], r["value"], r["value_unit"]) for r in rows(parsed)]
    assert ours == expected


LC_OUTPUTS = [
    "benchling_chromeleon/output/chromeleon_example.json",
    "benchling_chromeleon/output/chromeleon_example_multi_signal.json",
    "benchling_chromeleon/output/chromeleon_example_null_device_info.json",
    "benchling_empower/output/example_01.json",
    "benchling_empower/output/example_with_blanks_and_stds.json",
    "agilent_openlab_cds/Luxo HPLC-2023-09-01 07-52-44-04-00.json",
]


@pytest.mark.parametrize("relative", LC_OUTPUTS)
def test_lc_peaks_in_minutes(instrument_exports: Path, relative: str) -> None:
    path = instrument_exports / FOLDER / relative
    document = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse(path)
    assert parsed.technique == "liquid_chromatography"
    expected = []
    for doc in measurement_documents(document):
        for processed in doc.get("processed data aggregate document", {}).get("processed data document", []):
            for peak in processed.get("peak list", {}).get("peak", []):
                rt = peak["retention time"]
                minutes = rt["value"] / 60 if rt["unit"] == "s" else rt["value"]
                expected.append(
                    (peak.get("written name"), minutes, peak["peak area"]["value"], peak["peak area"]["unit"])
                )
    ours = [(r["peak_name"], r["retention_time_min"], r["area"], r["area_unit"]) for r in rows(parsed)]
    assert len(ours) == len(expected)
    for mine, theirs in zip(ours, expected, strict=True):
        assert (mine[0], mine[3]) == (theirs[0], theirs[3])
        assert math.isclose(mine[1], theirs[1], rel_tol=1e-9) and math.isclose(
            mine[2], theirs[2], rel_tol=1e-9
        )
    cubes = sum("chromatogram data cube" in d for d in measurement_documents(document))
    assert len(parsed.traces) == cubes


def test_no_measured_time_is_the_epoch(instrument_exports: Path) -> None:
    for instrument in ("moldev_softmax_pro", "cfxmaestro"):
        for name in outputs(instrument):
            parsed = parse(instrument_exports / FOLDER / instrument / "output" / name)
            times = pd.Series(parsed.results["measurement_time"]).dropna()
            assert not times.str.startswith(EPOCH).any()


def test_kinetic_wells_each_have_a_row_naming_their_trace(instrument_exports: Path) -> None:
    path = (
        instrument_exports
        / FOLDER
        / "moldev_softmax_pro"
        / "output"
        / "spectramax340_kinetic_partial_plate.json"
    )
    parsed = parse(path)
    cube_rows = [r for r in rows(parsed) if r.get("data_cube")]
    assert len(cube_rows) == len(parsed.traces) == 72
    assert {r["trace"] for r in cube_rows} == {t.channel for t in parsed.traces}
    assert all(r["value"] is None for r in cube_rows)
    first = parsed.traces[0].data
    assert first["time_min"].is_monotonic_increasing and first["time_min"].iloc[0] == 0.0
