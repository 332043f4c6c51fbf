"""The sandbox over real HTTP on 127.0.0.1: the server thread, a dropped socket, and the CLI process."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.sandbox import FaultSpec, SandboxConfig, SandboxServer

TENANT = Path(__file__).resolve().parents[2] / "sample_data" / "tenant.yaml"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig.from_tenant_file(TENANT, rate_limit=None)) as running:
        yield running


def test_run_blob_and_results_over_http(server: SandboxServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=server.api_url, auth=(server.api_key, "")) as client:
        data = b"retention,area\n1.2,345\n"
        blob = client.post(
            "/blobs",
            json={
                "name": "run.csv",
                "type": "RAW_FILE",
                "data64": base64.encodebytes(data).decode(),
                "md5": hashlib.md5(data).hexdigest(),
            },
        ).json()
        run_id = client.post(
            "/assay-runs",
            json={
                "assayRuns": [
                    {
                        "schemaId": "assaysch_chromrun01",
                        "fields": {"instrument": "LC", "source_file": blob["id"]},
                    }
                ]
            },
        ).json()["assayRuns"][0]
        created = client.post(
            "/assay-results",
            json={
                "assayResults": [
                    {
                        "schemaId": "assaysch_chromres01",
                        "fields": {"run": run_id, "sample": "bfi_smp003", "retention_time_min": 1.2},
                    }
                ]
            },
        )
        assert created.status_code == 200
        link = client.get(f"/blobs/{blob['id']}/download-url").json()["downloadURL"]
    assert httpx.get(link).content == data
    assert [r["fields"]["run"]["value"] for r in server.store.results(run_id)] == [run_id]
    assert server.request_log.count(method="POST", path="/api/v2/assay-results", status=200) == 1
    page = httpx.get(server.base_url + "/")
    assert page.status_code == 200 and run_id in page.text


def test_drop_fault_closes_the_socket(server: SandboxServer) -> None:
    server.set_faults(FaultSpec.parse("GET /dropdowns: script=drop"))
    with httpx.Client(base_url=server.api_url, auth=(server.api_key, "")) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/dropdowns")
        assert client.get("/dropdowns").status_code == 200


def _start_cli(*options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from ingest.cli import main; main()", "sandbox", "--port", "0"]
    return subprocess.Popen(
        [*command, "--tenant", str(TENANT), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _base_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    first_line = process.stdout.readline()
    if not first_line:
        pytest.fail(f"the sandbox command exited early: {process.communicate(timeout=10)[1]}")
    assert "Benchling sandbox serving at http://127.0.0.1:" in first_line, first_line
    return first_line.split(" at ")[1].split(" ")[0]


def test_cli_starts_and_answers() -> None:
    process = _start_cli("--api-key", "cli-key")
    try:
        base_url = _base_url(process)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "API key: cli-key"
        response = httpx.get(base_url + "/api/v2/assay-run-schemas", auth=("cli-key", ""), timeout=10)
        assert response.status_code == 200
        assert response.headers["x-rate-limit-limit"] == "60"
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_cli_variants_change_the_behaviour_and_are_announced() -> None:
    process = _start_cli("--variant", "registry_missing=partial_200", "--variant", "datetime=display_12h")
    try:
        base_url = _base_url(process)
        assert process.stdout is not None
        process.stdout.readline()  # the API key
        announced = process.stdout.readline()
        assert "registry_missing" in announced and "display_12h" in announced, announced
        response = httpx.get(
            base_url + "/api/v2/registries/src_samplereg/registered-entities:bulk-get",
            params={"entityRegistryIds": "SMP-001,SMP-999"},
            auth=("sandbox-api-key", ""),
            timeout=10,
        )
        assert response.status_code == 200
        assert [e["entityRegistryId"] for e in response.json()["entities"]] == ["SMP-001"]
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_cli_variant_help_lists_them_and_a_bad_variant_is_refused() -> None:
    command = [sys.executable, "-c", "from ingest.cli import main; main()", "sandbox"]
    shown = subprocess.run([*command, "--variant", "help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    assert "client_ids=kept|server_assigned  (default: kept)" in shown.stdout
    refused = subprocess.run(
        [*command, "--tenant", str(TENANT), "--variant", "client_ids=sometimes"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "client_ids has no value 'sometimes'" in refused.stderr
