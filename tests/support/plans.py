"""Small RunPlans for tests of the ledger, the load steps and the pipeline."""

from __future__ import annotations

from pathlib import Path

from ingest.models import BlobRef, BlobUpload, PlannedObject, RunPlan


def sample_plan(
    *,
    source: Path = Path("/drop/a.csv"),
    sha256: str = "aa",
    run_id: str = "run-1",
    result_ids: tuple[str, ...] = ("res-1", "res-2"),
    blob_path: Path | None = None,
) -> RunPlan:
    """A plan whose run links the export's blob and whose results link the run and a trace blob."""
    blob_path = blob_path or source
    run = PlannedObject(
        run_id,
        "assaysch_chromrun01",
        {"instrument": "LC-1", "source_file": BlobRef("export"), "traces": [BlobRef("trace#1")]},
        "src_project",
    )
    results = tuple(
        PlannedObject(
            rid, "assaysch_chromres01", {"run": run_id, "area": float(i), "trace": BlobRef("trace#1")}
        )
        for i, rid in enumerate(result_ids)
    )
    blobs = (
        BlobUpload("export", source.name, "RAW_FILE", "text/csv", path=blob_path),
        BlobUpload("trace#1", "trace.csv", "RAW_FILE", "text/csv", path=blob_path),
    )
    return RunPlan(source, sha256, "lc_results_csv", run, results, blobs, warnings=("w",), skipped_rows=(3,))
