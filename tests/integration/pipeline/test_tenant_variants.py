"""Where no correct behaviour is possible for a tenant's behaviour, the pipeline stops with a clear error;
and the plate-reader run's storage_link/entry_link fields go through the whole pipeline.

The variant matrix (``tests/support/variant_matrix.py``) runs the walkthrough, watch and reprocess tests
under every variant the pipeline can be right under; these are the cases it leaves out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from integration.pipeline.conftest import MakePipeline

from ingest.cli import cli
from ingest.sandbox import SandboxServer, Variants
from ingest.watch import describe_path
from tests.support.paths import SCHEMAS_MAP
from tests.support.variant_matrix import VariantCase

CAFFEINE = "2026-11-02_caffeine_std.csv"


def case(label: str, **variants: str) -> VariantCase:
    return VariantCase(label, Variants.model_validate(variants))


@pytest.mark.parametrize(
    "sandbox_variant", [case("server_assigned", client_ids="server_assigned")], ids=lambda c: c.label
)
def test_a_tenant_that_assigns_its_own_ids_stops_the_file_with_a_clear_error(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    outcome = make_pipeline().ingest(describe_path(inbox / "lc" / CAFFEINE), root=inbox)
    assert outcome.kind == "failed"
    assert "assigns its own ids" in outcome.message
    report = json.loads((tmp_path / "failed" / "lc" / f"{CAFFEINE}.error.json").read_text(encoding="utf-8"))
    assert "assigns its own ids" in report["reason"]
    # The one run the tenant made under its own id is the only thing created: no retry made another,
    # and no result was linked to a run id that does not exist. The ledger records the id that exists.
    (run,) = sandbox.store.runs()
    assert run["id"] == outcome.record.run_id
    assert run["id"] in report["reason"]
    assert sandbox.store.results() == []


@pytest.mark.parametrize(
    "sandbox_variant", [case("display_12h", datetime="display_12h")], ids=lambda c: c.label
)
def test_a_datetime_form_the_tenant_refuses_fails_naming_the_field_and_the_form(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline
) -> None:
    # The repository's mapping says rfc3339; this tenant wants the 12-hour form.
    pipeline = make_pipeline(map_path=SCHEMAS_MAP)
    outcome = pipeline.ingest(describe_path(inbox / "lc" / CAFFEINE), root=inbox)
    assert outcome.kind == "failed"
    assert "injection_time" in outcome.message
    assert "2022-03-18 05:14:35 PM" in outcome.message, "Benchling's message names the form it wants"
    assert sandbox.store.runs() == []


# -- storage_link and entry_link through the pipeline --------------------------------------------------------

PLATE_MAP = """
version: 1
timezone: Europe/Berlin
defaults: {{project: LC Method Development}}
mappings:
  # The LC export stands in for a plate reader's: the plate's barcode is the file name.
  - parser: lc_results_csv
    run:
      schema: Plate Reader Run
      fields:
        instrument: {{metadata: instrument}}
        read_time: {{metadata: injection_time}}
        plate_barcode: {{provenance: file_stem}}
        plate: {{provenance: file_stem}}
        experiment: {{value: {experiment}}}
"""


def plate_map(tmp_path: Path, experiment: str) -> Path:
    path = tmp_path / "plate_map.yaml"
    path.write_text(PLATE_MAP.format(experiment=experiment), encoding="utf-8")
    return path


def plate_export(inbox: Path, barcode: str) -> Path:
    folder = inbox / "plates"
    folder.mkdir(exist_ok=True)
    target = folder / f"{barcode}.csv"
    shutil.copy(inbox / "lc" / CAFFEINE, target)
    trace = CAFFEINE.replace(".csv", "_trace.csv")
    shutil.copy(inbox / "lc" / trace, folder / trace)
    return target


@pytest.mark.parametrize(
    "sandbox_variant",
    [
        case("default"),
        *(case(f"inventory_missing={v}", inventory_missing=v) for v in ("partial_200", "bad_request_400")),
    ],
    ids=lambda c: c.label,
)
def test_plate_and_experiment_links_are_sent_as_ids(
    sandbox: SandboxServer, inbox: Path, make_pipeline: MakePipeline, tmp_path: Path
) -> None:
    export = plate_export(inbox, "PLT-0002")
    pipeline = make_pipeline(map_path=plate_map(tmp_path, "EXP23-002"))
    outcome = pipeline.ingest(describe_path(export), root=inbox)
    assert outcome.kind == "done", outcome.message
    (run,) = sandbox.store.runs()
    assert run["fields"]["plate"]["value"] == "plt_assay02"
    assert run["fields"]["plate"]["displayValue"] == "Assay Plate 2"
    assert run["fields"]["experiment"]["value"] == "etr_exp23002"


def test_validate_shows_the_resolved_links_and_lists_unknown_ones(
    sandbox: SandboxServer, inbox: Path, tmp_path: Path
) -> None:
    env = {
        "BENCHLING_URL": sandbox.base_url,
        "BENCHLING_API_KEY": sandbox.api_key,
        "BENCHLING_INGEST_HOME": str(tmp_path / "home"),
    }
    good = plate_export(inbox, "PLT-0001")
    result = CliRunner().invoke(
        cli, ["validate", str(good), "--map", str(plate_map(tmp_path, "EXP23-001"))], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Link plate: 'PLT-0001' -> plt_assay01, plate 'Assay Plate 1' (PLT-0001)" in result.output
    assert "Link experiment: 'EXP23-001' -> etr_exp23001" in result.output
    assert "Datetime fields are written as rfc3339" in result.output

    bad = plate_export(inbox, "PLT-0404")
    result = CliRunner().invoke(
        cli, ["validate", str(bad), "--map", str(plate_map(tmp_path, "EXP99-404"))], env=env
    )
    assert result.exit_code == 1
    assert "'PLT-0404' (no plate has this barcode, name or id)" in result.output
    assert "'EXP99-404' (no notebook entry has this display id or id)" in result.output
    assert sandbox.store.runs() == [] and sandbox.store.blobs() == []
