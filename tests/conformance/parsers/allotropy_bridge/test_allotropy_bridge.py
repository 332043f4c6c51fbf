"""The allotropy bridge against the installed allotropy and the real exports it reads.

- The vendor table (what discovery and sniffing know without importing allotropy) agrees with the
  installed allotropy: every vendor present, same extensions and technique.
- Every plugin follows the parser protocol; sniff declines garbage and never raises; a plugin is
  listed only where allotropy can be run.
- Each real SoftMax Pro, Gen5, QuantStudio, CFX Maestro, Vi-CELL BLU and Cedex BioHT export is claimed by
  its vendor's plugin alone (no LC parser, no other vendor), and reads exactly as allotropy's stored ASM
  for it reads through the ``asm`` parser (wells, samples, values, units, errors).
- The inputs allotropy refuses fail with allotropy's own reason.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ingest.errors import NoParserError, ParseError
from parsers import discover_parsers
from parsers._plugin.plugin_class import protocol_problems
from parsers.allotropy_bridge.parser import ALL_BRIDGE_PARSERS, bridge_parsers
from parsers.allotropy_bridge.vendors import ANY_CONTENT, LEFT_TO_BUILTINS, TECHNIQUES, VENDORS
from parsers.allotropy_bridge.worker_client import WORKER_SCRIPT
from parsers.asm.parser import AsmParser

REPO = Path(__file__).resolve().parents[4]
FOLDER = Path("allotropy-asm")

#: instrument folder -> the plugin that must claim its inputs.
PLUGINS = {
    "moldev_softmax_pro": "allotropy_moldev_softmax_pro",
    "agilent_gen5": "allotropy_agilent_gen5",
    "appbio_quantstudio": "allotropy_appbio_quantstudio",
    "cfxmaestro": "allotropy_cfxmaestro",
    "beckman_vi_cell_blu": "allotropy_beckman_vi_cell_blu",
    "roche_cedex_bioht": "allotropy_roche_cedex_bioht",
}

#: Inputs allotropy refuses, and the words of its reason.
REFUSED = {
    "moldev_softmax_pro/header_size_mismatch.txt": "mismatch between # of columns (12) and # of labels",
    "moldev_softmax_pro/missing_kinetic_measurement.txt": "Missing kinetic measurement for well position A1",
    "moldev_softmax_pro/missing_measurement_table_row.txt": "Expected 4 rows in measurement table, got 3",
    "agilent_gen5/calculated_data_with_no_measurements_error.txt": "invalid or missing measurement data",
    "agilent_gen5/missing_results_error.txt": "invalid or missing measurement data",
}

#: The columns compared between the bridge's reading and allotropy's stored ASM, per technique.
KEYS = {
    "plate_reader": ["sample_id", "well", "plate_id", "read_type", "result_kind", "wavelength_nm", "value",
                     "value_unit", "error"],
    "qpcr": ["well", "sample_id", "sample_role", "target", "reporter_dye", "cq", "cq_threshold"],
    "cell_counting": ["sample_id", "viable_cell_density", "total_cell_density", "viability_percent",
                      "viable_cell_count", "total_cell_count", "average_total_cell_diameter_um",
                      "average_viable_cell_diameter_um"],
    "solution_analysis": ["sample_id", "analyte", "value", "value_unit", "error"],
}  # fmt: skip


def inputs_with_outputs(root: Path) -> list[tuple[str, Path, Path]]:
    found = []
    for instrument in PLUGINS:
        for output in sorted((root / FOLDER / instrument / "output").glob("*.json")):
            (source,) = [p for p in (root / FOLDER / instrument / "input").iterdir() if p.stem == output.stem]
            found.append((instrument, source, output))
    return found


def records(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    part = frame[columns]
    return part.astype(object).where(part.notna(), None).values.tolist()


# -- without allotropy ---------------------------------------------------------------------------------


def test_without_allotropy_the_provider_lists_nothing() -> None:
    # The test environment has no allotropy and the autouse fixture clears the variable.
    assert bridge_parsers() == ()
    assert not any(name.startswith("allotropy_") for name in discover_parsers().names)


@pytest.mark.parametrize("cls", ALL_BRIDGE_PARSERS, ids=lambda c: c.name)
def test_every_plugin_follows_the_protocol_and_declines_garbage(cls: type, tmp_path: Path) -> None:
    assert protocol_problems(cls) == []
    if cls.spec.marker is ANY_CONTENT:  # type: ignore[attr-defined]
        # Extensions no other format uses (.blr, .bme): every such file is claimed, garbage included.
        assert cls().sniff(b"x", tmp_path / f"x{cls.extensions[0]}") is True  # type: ignore[attr-defined,operator]
        return
    for extension in cls.extensions:  # type: ignore[attr-defined]
        for name, content in {
            "empty": b"",
            "binary": bytes(range(256)),
            "lc": b"Sample ID,RT (min)\n",
        }.items():
            path = tmp_path / f"{name}{extension}"
            path.write_bytes(content)
            assert cls().sniff(content, path) is False  # type: ignore[operator]


def test_plugin_names_are_unique_and_cover_every_listed_vendor() -> None:
    names = [cls.name for cls in ALL_BRIDGE_PARSERS]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(spec.plugin for spec in VENDORS)


def test_without_allotropy_parse_says_how_to_install_it(tmp_path: Path) -> None:
    (softmax,) = [cls for cls in ALL_BRIDGE_PARSERS if cls.name == "allotropy_moldev_softmax_pro"]
    path = tmp_path / "plate.txt"
    path.write_text("##BLOCKS= 1\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"allotropy is not installed.*benchling-ingest\[allotropy\]"):
        softmax().parse(path)


# -- with allotropy (in .venv-allotropy) ---------------------------------------------------------------


def test_vendor_table_matches_the_installed_allotropy(allotropy_python: Path) -> None:
    completed = subprocess.run(
        [str(allotropy_python), str(WORKER_SCRIPT)],
        input=json.dumps({"op": "vendors"}) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=600,
    )
    answer = json.loads(completed.stdout)
    assert answer["ok"], answer
    installed = {v["vendor"]: v for v in answer["vendors"]}
    covered = {vendor: spec for spec in VENDORS for vendor in spec.vendors}
    assert set(covered) | LEFT_TO_BUILTINS == set(installed)
    for vendor, spec in covered.items():
        assert {f".{e}" for e in installed[vendor]["extensions"]} <= set(spec.extensions), vendor
        assert spec.technique == TECHNIQUES.get(installed[vendor]["technique"], "other"), vendor


def test_the_provider_lists_every_plugin_when_allotropy_can_run(allotropy_python: Path) -> None:
    registry = discover_parsers()
    assert {cls.name for cls in ALL_BRIDGE_PARSERS} <= set(registry.names)
    assert registry.techniques["allotropy_cfxmaestro"] == ("qpcr",)


def test_each_real_export_is_claimed_by_its_vendor_plugin_alone(
    instrument_exports: Path, allotropy_python: Path
) -> None:
    registry = discover_parsers()
    for instrument, plugin in PLUGINS.items():
        for path in sorted((instrument_exports / FOLDER / instrument / "input").iterdir()):
            if path.name == "garbage_error.txt":
                assert not registry.claims(path)
                continue
            assert registry.choose(path).name == plugin, path.name


def test_no_lc_export_of_the_repository_is_claimed_by_a_bridge_plugin(allotropy_python: Path) -> None:
    registry = discover_parsers()
    exports = [p for p in (REPO / "tests" / "conformance" / "parsers").rglob("testdata/*") if p.is_file()]
    exports += [p for p in (REPO / "sample_data" / "exports").rglob("*") if p.is_file()]
    for path in exports:
        if path.name.endswith(".expected.json"):
            continue
        head = path.read_bytes()[:65536]
        claimed = [
            cls.name
            for cls in ALL_BRIDGE_PARSERS
            if path.suffix.lower() in cls.extensions and cls().sniff(head, path)
        ]
        assert claimed == [], path
    assert (
        registry.choose(REPO / "sample_data" / "exports" / "lc" / "2026-11-02_caffeine_std.csv").name
        == "lc_results_csv"
    )


def test_bridge_reads_each_export_as_allotropys_stored_asm_reads(
    instrument_exports: Path, allotropy_python: Path
) -> None:
    registry = discover_parsers()
    compared = 0
    for instrument, source, output in inputs_with_outputs(instrument_exports):
        ours = registry.parse(source)
        theirs = AsmParser().parse(output)
        assert ours.provenance.parser == PLUGINS[instrument]
        assert ours.provenance.parser_version.startswith("1.0.0+allotropy-")
        assert ours.technique == theirs.technique
        keys = KEYS[ours.technique]
        assert records(ours.results, keys) == records(theirs.results, keys), source.name
        assert len(ours.traces) == len(theirs.traces), source.name
        compared += 1
    assert compared == 29


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_refused_inputs_fail_with_allotropys_reason(
    instrument_exports: Path, allotropy_python: Path, relative: str
) -> None:
    path = instrument_exports / FOLDER / relative.split("/")[0] / "input" / relative.split("/")[1]
    with pytest.raises(ParseError) as caught:
        discover_parsers().parse(path)
    assert not isinstance(caught.value, NoParserError)
    assert REFUSED[relative] in caught.value.message
    assert "allotropy could not read" in caught.value.message


def test_garbage_is_not_claimed_by_any_parser(instrument_exports: Path, allotropy_python: Path) -> None:
    path = instrument_exports / FOLDER / "agilent_gen5" / "input" / "garbage_error.txt"
    with pytest.raises(NoParserError, match="not the format of any parser"):
        discover_parsers().parse(path)


def test_a_utf16_export_is_converted_with_its_encoding(
    instrument_exports: Path, allotropy_python: Path
) -> None:
    path = (
        instrument_exports
        / FOLDER
        / "beckman_vi_cell_blu"
        / "input"
        / "Beckman_Vi-Cell-BLU_example01_utf16.csv"
    )
    parsed = discover_parsers().parse(path)
    assert len(parsed.results) == 10 and parsed.results["viable_cell_density"].notna().all()


def test_an_openlab_cds_result_set_is_read_by_the_builtin_parser_as_allotropys_stored_asm(
    instrument_exports: Path, allotropy_python: Path
) -> None:
    folder = instrument_exports / FOLDER / "agilent_openlab_cds"
    ours = discover_parsers().parse(folder / "Luxo HPLC-2023-09-01 07-52-44-04-00.rslt")
    theirs = AsmParser().parse(folder / "Luxo HPLC-2023-09-01 07-52-44-04-00.json")
    assert ours.provenance.parser == "agilent_openlab_rslt"  # the bridge never claims a result set
    assert len(ours.results) == len(theirs.results) == 241

    def peaks(frame: Any) -> list[tuple[float, float, float]]:
        columns = (frame["retention_time_min"], frame["area"], frame["height"])
        rows = zip(*columns, strict=True)
        return sorted((round(rt, 6), round(area, 6), round(height, 6)) for rt, area, height in rows)

    assert peaks(ours.results) == peaks(theirs.results)


def test_the_parsers_command_lists_the_bridge_plugins_with_their_techniques(allotropy_python: Path) -> None:
    from click.testing import CliRunner

    from ingest.cli import cli

    listed = CliRunner().invoke(
        cli, ["parsers"], env={"BENCHLING_INGEST_ALLOTROPY_PYTHON": str(allotropy_python)}
    )
    assert listed.exit_code == 0, listed.output
    lines = {line.split("│")[1].strip(): line for line in listed.output.splitlines() if line.count("│") > 4}
    assert "plate_reader" in lines["allotropy_moldev_softmax_pro"]
    assert "qpcr" in lines["allotropy_cfxmaestro"] and "builtin" in lines["allotropy_cfxmaestro"]
    assert "liquid_chromatography" in lines["asm"] and "cell_counting" in lines["asm"]
