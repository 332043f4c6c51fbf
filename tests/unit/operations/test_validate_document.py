"""``validate``'s JSON plan carries how link values were resolved; its header names the datetime form."""

from __future__ import annotations

from pathlib import Path

from ingest.models import PlannedObject, ResolvedLink, RunPlan
from ingest.operations.validate import datetime_form_note, plan_document
from tests.support.paths import SCHEMAS_MAP


def test_the_plan_document_lists_each_resolved_link() -> None:
    link = ResolvedLink("plate", "PLT-0001", "plt_assay01", "plate 'Assay Plate 1' (PLT-0001)")
    plan = RunPlan(
        Path("/drop/PLT-0001.csv"),
        "aa",
        "plate_reader",
        PlannedObject("run-1", "assaysch_platerun01", {"plate": "plt_assay01"}),
        (),
        links=(link,),
    )
    document = plan_document(plan)
    assert document["run"]["fields"] == {"plate": "plt_assay01"}
    assert document["links"] == [
        {
            "field": "plate",
            "given": "PLT-0001",
            "id": "plt_assay01",
            "item": "plate 'Assay Plate 1' (PLT-0001)",
        }
    ]


def test_the_datetime_note_shows_the_configured_form_with_an_example(tmp_path: Path) -> None:
    assert "written as rfc3339 (e.g. 2022-03-18T17:14:35+01:00)" in datetime_form_note(SCHEMAS_MAP)
    twelve = tmp_path / "map.yaml"
    twelve.write_text(
        SCHEMAS_MAP.read_text(encoding="utf-8").replace(
            "datetime_format: rfc3339", "datetime_format: display_12h"
        ),
        encoding="utf-8",
    )
    note = datetime_form_note(twelve)
    assert "written as display_12h in Europe/Berlin (e.g. 2022-03-18 05:14:35 PM)" in note
