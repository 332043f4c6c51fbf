"""Samples are judged by the client's ``missing`` list, so ``unknown: skip`` and the every-missing-sample
error are right however the tenant answers unknown registry IDs (every ``registry_missing`` value), and
link fields likewise under every ``inventory_missing`` value."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import EntitiesNotFoundError, ResolveError
from ingest.models import ParsedFile, Provenance
from ingest.resolve import CachedEntities, CachedTenant, ClientEntities, ClientTenant, load_schema_map
from ingest.resolve.identity import Identity
from ingest.resolve.mapping_file import SchemaMap
from ingest.resolve.resolver import resolve
from ingest.sandbox import Variants
from parsers import results_frame
from tests.support.inprocess_pipeline import inprocess_sandbox
from tests.support.paths import SCHEMAS_MAP

FORMS = Variants.values_of("registry_missing") or ()
KNOWN = ["SMP-001", "SMP-002", "SMP-003", "SMP-004", "SMP-005"]
UNKNOWN = ["NOPE-1", "NOPE-2", "NOPE-3"]

IDENTITY = Identity("tenant.example.com")


def lc_file(export: Path, samples: list[str]) -> ParsedFile:
    export.write_text("the export", encoding="utf-8")
    rows = [
        {"sample_id": s, "signal": "DAD1 A", "peak_number": 1, "retention_time_min": 1.5, "area": 1.0}
        for s in samples
    ]
    return ParsedFile(
        metadata={"instrument": "HPLC-1", "injection_time": "2026-11-02T10:15:00"},
        results=results_frame(rows),
        provenance=Provenance("lc_results_csv", "1.0", export),
    )


def lc_map(tmp_path: Path, unknown: str) -> SchemaMap:
    text = SCHEMAS_MAP.read_text(encoding="utf-8")
    text = text.replace(
        "sample: {field: sample, column: sample_id, unknown: fail}",
        f"sample: {{field: sample, column: sample_id, unknown: {unknown}}}",
    )
    text = text.replace("        chromatogram: {blob: trace_file}\n", "", 1)
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema_map(path)


def mixed() -> list[str]:
    return [KNOWN[0], UNKNOWN[0], *KNOWN[1:3], UNKNOWN[1], *KNOWN[3:], UNKNOWN[2], UNKNOWN[0]]


@pytest.mark.parametrize("form", FORMS)
def test_every_missing_sample_is_named_at_once_under_every_answer(tmp_path: Path, form: str) -> None:
    export = tmp_path / "run.csv"
    variants = Variants(registry_missing=form)  # type: ignore[arg-type]
    with inprocess_sandbox(variants=variants) as sandbox, pytest.raises(EntitiesNotFoundError) as caught:
        resolve(
            lc_file(export, mixed()),
            source=export,
            sha256="x",
            schema_map=lc_map(tmp_path, "fail"),
            tenant=CachedTenant(ClientTenant(sandbox.client)),
            entities=CachedEntities(ClientEntities(sandbox.client)),
            identity=IDENTITY,
        )
    assert caught.value.missing == sorted(UNKNOWN)
    assert "names 3 sample(s) not registered" in caught.value.message


@pytest.mark.parametrize("form", FORMS)
def test_unknown_skip_skips_exactly_the_unregistered_rows_under_every_answer(
    tmp_path: Path, form: str
) -> None:
    export = tmp_path / "run.csv"
    with inprocess_sandbox(variants=Variants(registry_missing=form)) as sandbox:  # type: ignore[arg-type]
        plan = resolve(
            lc_file(export, mixed()),
            source=export,
            sha256="x",
            schema_map=lc_map(tmp_path, "skip"),
            tenant=CachedTenant(ClientTenant(sandbox.client)),
            entities=CachedEntities(ClientEntities(sandbox.client)),
            identity=IDENTITY,
        )
    assert [r.fields["sample"] for r in plan.results] == [f"bfi_smp00{i}" for i in range(1, 6)]
    assert plan.skipped_rows == (2, 5, 8, 9)
    assert any("NOPE-1, NOPE-2, NOPE-3" in w for w in plan.warnings)


PLATE_MAP = """
version: 1
timezone: Europe/Berlin
defaults: {project: LC Method Development}
mappings:
  - parser: plate_reader_test
    run:
      schema: Plate Reader Run
      fields:
        instrument: {metadata: instrument}
        plate: {metadata: plate}
        experiment: {metadata: experiment}
"""


@pytest.mark.parametrize("form", Variants.values_of("inventory_missing") or ())
@pytest.mark.parametrize(
    ("plate", "experiment"), [("PLT-0002", "EXP23-002"), ("Assay Plate 2", "etr_exp23002")]
)
def test_link_values_resolve_under_every_inventory_answer(
    tmp_path: Path, form: str, plate: str, experiment: str
) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(PLATE_MAP, encoding="utf-8")
    parsed = ParsedFile(
        metadata={"instrument": "Reader-1", "plate": plate, "experiment": experiment},
        results=results_frame([]),
        provenance=Provenance("plate_reader_test", "1.0", tmp_path / "read.csv"),
    )
    with inprocess_sandbox(variants=Variants(inventory_missing=form)) as sandbox:  # type: ignore[arg-type]
        plan = resolve(
            parsed,
            source=tmp_path / "read.csv",
            sha256="x",
            schema_map=load_schema_map(path),
            tenant=CachedTenant(ClientTenant(sandbox.client)),
            entities=CachedEntities(ClientEntities(sandbox.client)),
            identity=IDENTITY,
        )
        assert plan.run.fields["plate"] == "plt_assay02"
        assert plan.run.fields["experiment"] == "etr_exp23002"
        unknown = ParsedFile(
            metadata={"instrument": "Reader-1", "plate": "PLT-0404", "experiment": "EXP99-404"},
            results=results_frame([]),
            provenance=parsed.provenance,
        )
        with pytest.raises(ResolveError) as caught:
            resolve(
                unknown,
                source=tmp_path / "read.csv",
                sha256="x",
                schema_map=load_schema_map(path),
                tenant=CachedTenant(ClientTenant(sandbox.client)),
                entities=CachedEntities(ClientEntities(sandbox.client)),
                identity=IDENTITY,
            )
    assert len(caught.value.problems) == 2
    assert "'PLT-0404'" in caught.value.problems[0] and "'EXP99-404'" in caught.value.problems[1]
