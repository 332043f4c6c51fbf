"""Issue 16's done-when, through ``benchling-ingest watch`` against the sandbox over HTTP: a plate-reader,
a qPCR and a cell-counter export dropped into a watched folder each become one run with its results,
exactly once, with their mapping validated by ``validate``.

Twice: the demo's ASM exports (read by the ``asm`` parser, mapped by the demo ``schemas_map.yaml``), and
real SoftMax Pro, QuantStudio and Vi-CELL BLU exports read through the allotropy bridge (allotropy in
``.venv-allotropy``), mapped by a map written here onto the same schemas.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from integration.service.service_rig import REPO, ServiceRig, field_value

DEMO = REPO / "sample_data" / "exports"
ASM_EXPORTS = {
    "plate_reader/2026-11-05_elisa_plate_PLT-0001.json": ("assaysch_platerun01", 16),
    "qpcr/2026-11-05_il6_expression.json": ("assaysch_qpcrrun01", 8),
    "cell_counter/2026-11-06_expansion_day3.json": ("assaysch_cellrun01", 3),
}


def test_asm_exports_each_become_one_run_with_their_results_exactly_once(rig: ServiceRig) -> None:
    checked = rig.run_cli("validate", *(DEMO / name for name in ASM_EXPORTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 file(s) checked, 0 with problems" in checked.stdout
    assert rig.post_count() == 0

    for name in ASM_EXPORTS:
        shutil.copy(DEMO / name, rig.inbox / Path(name).name)
    with rig.start_watch() as watch:
        watch.wait_watching()
        watch.wait_settled(3, timeout=90)
        posts = rig.post_count()
        # The same exports dropped again (a re-copied folder): recognised, nothing created.
        for name in ASM_EXPORTS:
            shutil.copy(DEMO / name, rig.inbox / Path(name).name)
        watch.wait_settled(6, timeout=90)
        assert watch.stop() == 0, watch.log()

    assert [r.state for r in rig.rows()].count("done") == 3, rig.describe()
    assert rig.post_count() == posts, "the second drop created something"
    runs = rig.sandbox.store.runs()
    assert sorted(r["schema"]["id"] for r in runs) == sorted(s for s, _ in ASM_EXPORTS.values())
    registered = {f"bfi_smp{n}" for n in range(101, 109)}
    for run in runs:
        results = rig.sandbox.store.results(run["id"])
        expected = next(n for schema, n in ASM_EXPORTS.values() if schema == run["schema"]["id"])
        assert len(results) == expected
        assert {field_value(r, "sample") for r in results} <= registered
        assert all(field_value(r, "run") == run["id"] for r in results)
    plate = next(r for r in runs if r["schema"]["id"] == "assaysch_platerun01")
    assert field_value(plate, "plate_barcode") == "PLT-0001"
    cells = next(r for r in runs if r["schema"]["id"] == "assaysch_cellrun01")
    densities = sorted(
        field_value(r, "viable_cells_e6_per_ml") for r in rig.sandbox.store.results(cells["id"])
    )
    assert densities == [0.87, 1.92, 2.64]


BRIDGE_MAP = """\
version: 1
timezone: UTC
defaults: {project: Cell Line Development}
mappings:
  - parser: allotropy_moldev_softmax_pro
    run:
      schema: Plate Reader Run
      fields:
        instrument: {metadata: instrument}
        plate_barcode: {metadata: plate_id}
        read_time: {metadata: measurement_time}
        raw_file: {blob: export}
    results:
      schema: Plate Well Result
      run_link: run
      fields:
        well: {column: well}
        read_type: {column: read_type}
        result_kind: {column: result_kind}
        wavelength_nm: {column: wavelength_nm}
        value: {column: value}
        value_unit: {column: value_unit}
        error: {column: error}
    blobs:
      export: {from: export}
  - parser: allotropy_appbio_quantstudio
    run:
      schema: qPCR Run
      fields:
        instrument: {metadata: instrument}
        experiment_name: {metadata: experiment}
        run_time: {metadata: measurement_time}
        file_sha256: {provenance: sha256}
    results:
      schema: qPCR Result
      run_link: run
      fields:
        well: {column: well}
        target: {column: target}
        cq: {column: cq}
        cq_threshold: {column: cq_threshold}
  - parser: allotropy_beckman_vi_cell_blu
    run:
      schema: Cell Count Run
      fields:
        instrument: {metadata: instrument}
        count_time: {metadata: measurement_time}
    results:
      schema: Cell Count Result
      run_link: run
      fields:
        viable_cells_e6_per_ml: {column: viable_cell_density}
        viability_percent: {column: viability_percent}
        counted_at: {column: measurement_time}
"""

REAL = {
    "moldev_softmax_pro/input/abs_endpoint_plates.txt": ("assaysch_platerun01", 384),
    "appbio_quantstudio/input/appbio_quantstudio_minimal_broken_path_calc_doc.txt": ("assaysch_qpcrrun01", 1),
    "beckman_vi_cell_blu/input/Beckman_Vi-Cell-BLU_example01.csv": ("assaysch_cellrun01", 10),
}


def test_real_exports_through_the_allotropy_bridge_become_one_run_each(
    rig: ServiceRig, instrument_exports: Path, allotropy_python: Path
) -> None:
    map_path = rig.base / "bridge_map.yaml"
    map_path.write_text(BRIDGE_MAP, encoding="utf-8")
    sources = [instrument_exports / "allotropy-asm" / name for name in REAL]
    checked = rig.run_cli("validate", "--map", map_path, *sources, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 file(s) checked, 0 with problems" in checked.stdout

    for source in sources:
        shutil.copy(source, rig.inbox / source.name)
    with rig.start_watch("--map", map_path) as watch:
        watch.wait_watching()
        watch.wait_settled(3, timeout=300)
        assert watch.stop() == 0, watch.log()

    assert [r.state for r in rig.rows()] == ["done"] * 3, rig.describe()
    runs = rig.sandbox.store.runs()
    assert sorted(r["schema"]["id"] for r in runs) == sorted(s for s, _ in REAL.values())
    for run in runs:
        expected = next(n for schema, n in REAL.values() if schema == run["schema"]["id"])
        assert len(rig.sandbox.store.results(run["id"])) == expected
    plate = next(r for r in runs if r["schema"]["id"] == "assaysch_platerun01")
    assert field_value(plate, "plate_barcode") == "Plate1"
    qpcr = next(r for r in runs if r["schema"]["id"] == "assaysch_qpcrrun01")
    (well,) = rig.sandbox.store.results(qpcr["id"])
    assert (field_value(well, "well"), field_value(well, "target"), field_value(well, "cq")) == (
        "D1",
        "RNaseP",
        30.155,
    )
