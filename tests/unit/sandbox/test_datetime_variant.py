"""Datetime field values: the form the ``datetime`` variant names is accepted and echoed; the other is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ingest.sandbox import Variants
from tests.support.inprocess_sandbox import Sandbox

RFC3339 = "2022-03-18T17:14:35Z"
DISPLAY = "2022-03-18 05:14:35 PM"


def _create(sandbox: Sandbox, value: Any) -> Any:
    item = {"schemaId": "assaysch_chromrun01", "fields": {"instrument": "LC-1", "injection_time": value}}
    return sandbox.client.post("/assay-runs", json={"assayRuns": [item]})


@pytest.mark.parametrize(
    ("form", "accepted", "refused", "expected"),
    [
        ("rfc3339", RFC3339, DISPLAY, "RFC 3339"),
        ("rfc3339", "2022-03-18T17:14:35.250+02:00", "2022-03-18T17:14:35", "RFC 3339"),
        ("display_12h", DISPLAY, RFC3339, "2022-03-18 05:14:35 PM"),
        ("display_12h", "2022-03-18 12:00:00 AM", "2022-03-18 17:14:35 PM", "2022-03-18 05:14:35 PM"),
    ],
)
def test_only_the_variant_form_is_accepted_and_it_is_echoed(
    make_sandbox: Callable[..., Sandbox], form: str, accepted: str, refused: str, expected: str
) -> None:
    sandbox = make_sandbox(variants=Variants.model_validate({"datetime": form}))
    created = _create(sandbox, accepted)
    assert created.status_code == 200, created.text
    run = sandbox.client.get(f"/assay-runs/{created.json()['assayRuns'][0]}").json()
    assert run["fields"]["injection_time"]["value"] == accepted
    rejected = _create(sandbox, refused)
    assert rejected.status_code == 400
    problem = rejected.json()["errors"][0]["fields"]["injection_time"]
    assert "injection_time" in problem and expected in problem and refused in problem
