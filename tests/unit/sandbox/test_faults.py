from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from ingest.errors import ConfigError
from ingest.sandbox import FaultSpec, ManualClock
from tests.support.inprocess_sandbox import Sandbox, result_item


def test_string_syntax_parses_rules_scripts_and_maintenance() -> None:
    spec = FaultSpec.parse(
        "POST /assay-results*: 500=0.1 drop=0.05 latency=0.2; GET /tasks/*: script=503,503,ok; maintenance=30"
    )
    assert spec.maintenance_seconds == 30
    assert spec.rules[0].method == "POST" and spec.rules[0].probabilities == {"500": 0.1, "drop": 0.05}
    assert spec.rules[0].latency == 0.2
    assert spec.rules[1].script == ("503", "503", "ok")


def test_bad_spec_strings_name_the_problem() -> None:
    with pytest.raises(ConfigError, match="no ':'"):
        FaultSpec.parse("POST /x")
    with pytest.raises(ConfigError, match="'teapot' in rule"):
        FaultSpec.parse("GET *: teapot=1")


def test_yaml_file_form(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("rules:\n  - {method: GET, path: /dropdowns, script: ['429', ok]}\n", encoding="utf-8")
    assert FaultSpec.parse(str(path)).rules[0].script == ("429", "ok")


def test_script_is_consumed_in_order_then_ok(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(faults=FaultSpec.parse("GET /dropdowns: script=503,429,ok,500"))
    statuses = [sandbox.client.get("/dropdowns").status_code for _ in range(5)]
    assert statuses == [503, 429, 200, 500, 200]
    assert sandbox.client.get("/assay-run-schemas").status_code == 200
    assert sandbox.state.request_log.count(path="/api/v2/dropdowns", status=503) == 1


def test_probabilities_are_reproducible_with_the_seed(make_sandbox: Callable[..., Sandbox]) -> None:
    spec = FaultSpec.parse("GET *: 503=0.5")
    runs = []
    for _ in range(2):
        sandbox = make_sandbox(faults=spec, seed=7)
        runs.append([sandbox.client.get("/dropdowns").status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert {200, 503} == set(runs[0])


def test_drop_closes_without_a_response(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(faults=FaultSpec.parse("GET /dropdowns: drop=1"))
    with pytest.raises(httpx.RemoteProtocolError):
        sandbox.client.get("/dropdowns")


def test_commit_then_502_stores_the_write(sandbox: Sandbox) -> None:
    run_id = sandbox.create_run()
    sandbox.state.set_faults(FaultSpec.parse("POST /assay-results: script=commit_then_502"))
    response = sandbox.client.post("/assay-results", json={"assayResults": [result_item(run_id)]})
    assert response.status_code == 502
    assert response.json()["error"]["message"].startswith("Bad gateway")
    assert len(sandbox.state.store.results()) == 1


def test_maintenance_answers_503_until_it_ends(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, faults=FaultSpec(maintenance_seconds=10))
    response = sandbox.client.get("/dropdowns")
    assert response.status_code == 503 and "x-rate-limit-limit" in response.headers
    clock.advance(10)
    assert sandbox.client.get("/dropdowns").status_code == 200


def test_latency_waits_on_the_clock(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, faults=FaultSpec.parse("GET /dropdowns: latency=2.5"))
    sandbox.client.get("/dropdowns")
    assert clock.monotonic() == 2.5
