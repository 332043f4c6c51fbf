"""`benchling-ingest sandbox` as a separate process, driven by the official SDK from this process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from benchling_sdk.auth.api_key_auth import ApiKeyAuth
from benchling_sdk.models import (
    AssayFieldsCreate,
    AssayResultCreate,
    AssayRunCreate,
    BlobUploadStatus,
    CustomEntityWithEntityType,
)
from conformance.sandbox.harness import MakeBenchling
from conformance.sandbox.wire import PROJECT, REGISTRY, RESULT_SCHEMA, RUN_SCHEMA, new_uuid

REPO = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.timeout(120),
    # benchling-api-client passes cookies=... on every request, which httpx 0.28 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore:Setting per-request cookies:DeprecationWarning"),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def console_script() -> str:
    """The ``benchling-ingest`` script installed next to this interpreter (bin/ or Scripts\\)."""
    found = shutil.which("benchling-ingest", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"benchling-ingest is not installed next to {sys.executable}; run `pip install -e .`")
    return found


def wait_until_serving(
    process: subprocess.Popen[bytes], url: str, log: Path, deadline_s: float = 20.0
) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the sandbox exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)  # a separate process: polling its port is the only signal there is
    pytest.fail(
        f"the sandbox did not listen on {url} within {deadline_s} s:\n{log.read_text(errors='replace')}"
    )


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "sandbox.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [console_script(), "sandbox", "--port", str(port)], cwd=REPO, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(process, f"{base_url}/api/v2/assay-run-schemas", log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_sdk_scenario_against_the_cli_sandbox(sandbox_process: str, make_benchling: MakeBenchling) -> None:
    benchling = make_benchling(sandbox_process, auth_method=ApiKeyAuth("sandbox-api-key"))
    schemas = [s.id for page in benchling.schemas.list_assay_run_schemas() for s in page]
    assert RUN_SCHEMA in schemas

    blob = benchling.blobs.create_from_bytes(b"t,s\n0,1\n", name="trace.csv", mime_type="text/csv")
    assert blob.upload_status == BlobUploadStatus.COMPLETE

    (sample,) = benchling.registry.entities(REGISTRY, ["SMP-003"])
    assert isinstance(sample, CustomEntityWithEntityType)
    run_fields = AssayFieldsCreate.from_dict({"instrument": "LC-01", "source_file": blob.id})
    run_id = benchling.assay_runs.create(
        [AssayRunCreate(schema_id=RUN_SCHEMA, fields=run_fields, project_id=PROJECT)]
    ).assay_runs[0]

    result_ids = [new_uuid() for _ in range(3)]
    results = [
        AssayResultCreate(
            id=result_id,
            schema_id=RESULT_SCHEMA,
            project_id=PROJECT,
            fields=AssayFieldsCreate.from_dict(
                {"run": run_id, "sample": sample.id, "retention_time_min": 1.0 + i, "chromatogram": blob.id}
            ),
        )
        for i, result_id in enumerate(result_ids)
    ]
    assert benchling.assay_results.create(results).assay_results == result_ids

    listed = [
        r.id
        for page in benchling.assay_results.list(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id])
        for r in page
    ]
    assert sorted(listed) == sorted(result_ids)
    assert benchling.assay_runs.get_by_id(run_id).fields["source_file"].value == blob.id
