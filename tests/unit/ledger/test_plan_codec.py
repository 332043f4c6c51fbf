"""The plan's stored form: a round trip is exact, and blob references are markers only on disk."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.ledger.plan_codec import body_to_json, plan_from_json, plan_to_json
from ingest.models import BlobRef, BlobUpload
from tests.support.plans import sample_plan


def test_round_trip_through_json_text_is_exact() -> None:
    plan = sample_plan()
    text = json.dumps(plan_to_json(plan))
    assert plan_from_json(json.loads(text)) == plan


def test_blob_refs_are_stored_as_markers_and_filled_with_ids() -> None:
    plan = sample_plan(run_id="r1")
    stored = plan_to_json(plan)
    assert stored["run"]["fields"]["source_file"] == {"$blob": "export"}
    assert stored["run"]["fields"]["traces"] == [{"$blob": "trace#1"}]
    assert stored["run"]["projectId"] == "src_project"
    assert "projectId" not in stored["results"][0]
    body = plan.run_body({"export": "blob-e", "trace#1": "blob-t"})
    assert body["fields"] == {"instrument": "LC-1", "source_file": "blob-e", "traces": ["blob-t"]}
    assert body_to_json(plan.results[0])["fields"]["trace"] == {"$blob": "trace#1"}


def test_a_body_cannot_be_sent_before_its_blobs_are_uploaded() -> None:
    with pytest.raises(KeyError, match="trace#1"):
        sample_plan().result_bodies({"export": "blob-e"})


def test_a_blob_still_in_memory_cannot_be_stored() -> None:
    plan = sample_plan()
    png = BlobUpload("png", "a.png", "VISUALIZATION", "image/png", content=b"\x89PNG")
    with pytest.raises(ValueError, match="blob 'png' has no file"):
        plan_to_json(replace(plan, blobs=(png,)))


def test_used_blob_keys_are_the_refs_in_any_field() -> None:
    assert sample_plan().used_blob_keys() == {"export", "trace#1"}
    assert BlobRef("a") != BlobRef("b")
    assert plan_from_json(plan_to_json(sample_plan(source=Path("/x/b.csv")))).source == Path("/x/b.csv")
