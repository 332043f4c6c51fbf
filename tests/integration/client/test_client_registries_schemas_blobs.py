from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ingest.benchling import BenchlingClient
from ingest.errors import BenchlingUnavailableError
from ingest.sandbox import FaultSpec, SandboxServer
from tests.integration.client.wire_bodies import (
    RESULT_SCHEMA,
    RUN_SCHEMA,
    ClientFactory,
    SandboxFactory,
)

MB = 1024 * 1024


def test_schemas_are_listed_and_fetched(sandbox: SandboxServer, client: BenchlingClient) -> None:
    assert RUN_SCHEMA in {s.id for s in client.list_run_schemas()}
    assert RESULT_SCHEMA in {s.id for s in client.list_result_schemas()}
    result_schema = client.get_result_schema(RESULT_SCHEMA)
    fields = {f.name: f for f in result_schema.field_definitions}
    assert fields["run"].type == "assay_run_link"
    assert fields["retention_time_min"].is_required


def test_registered_entities_are_found_in_chunks_and_unknown_ids_left_out(
    sandbox: SandboxServer, make_client: ClientFactory
) -> None:
    client = make_client(sandbox, entity_chunk=7)
    wanted = [f"SMP-{n:03d}" for n in range(1, 21)] + ["SMP-999"]
    found = client.registered_entities("src_samplereg", wanted)
    assert set(found) == set(wanted) - {"SMP-999"}
    assert found["SMP-001"].id == "bfi_smp001"
    assert client.stats.requests["GET /registries/{registry_id}/registered-entities:bulk-get"] >= 3
    assert "src_samplereg" in {r.id for r in client.list_registries()}


def test_small_blob_is_stored_byte_for_byte(
    sandbox: SandboxServer, client: BenchlingClient, tmp_path: Path
) -> None:
    path = tmp_path / "run42.csv"
    path.write_bytes(b"RT,Area\n1.2,3.4\n")
    blob = client.upload_blob(path, mime_type="text/csv")
    assert blob.upload_status == "COMPLETE"
    assert sandbox.blob_bytes(blob.id) == path.read_bytes()
    assert client.stats.blob_bytes == path.stat().st_size


def test_40_mb_file_goes_up_in_parts_and_arrives_intact(
    sandbox: SandboxServer, client: BenchlingClient, tmp_path: Path
) -> None:
    path = tmp_path / "big.raw"
    with path.open("wb") as stream:
        for _ in range(40):
            stream.write(os.urandom(MB))
    blob = client.upload_blob(path)
    stored = sandbox.blob_bytes(blob.id)
    assert hashlib.md5(stored).hexdigest() == hashlib.md5(path.read_bytes()).hexdigest()
    assert client.stats.requests["POST /blobs/{blob_id}/parts"] == 4
    assert client.stats.requests["POST /blobs:start-multipart-upload"] == 1
    assert "POST /blobs" not in client.stats.requests


def test_parts_survive_5xx_and_drops(
    start_sandbox: SandboxFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /blobs/*/parts: script=502,drop,ok,503"))
    client = make_client(server)
    path = tmp_path / "mid.raw"
    path.write_bytes(os.urandom(25 * MB))
    blob = client.upload_blob(path)
    assert hashlib.md5(server.blob_bytes(blob.id)).hexdigest() == hashlib.md5(path.read_bytes()).hexdigest()


def test_a_multipart_upload_that_cannot_finish_is_aborted(
    start_sandbox: SandboxFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /blobs/*/parts: 500=1.0"))
    client = make_client(server)
    path = tmp_path / "doomed.raw"
    path.write_bytes(os.urandom(11 * MB))
    with pytest.raises(BenchlingUnavailableError):
        client.upload_blob(path)
    assert client.stats.requests["POST /blobs/{blob_id}:abort-upload"] == 1
    assert [b["uploadStatus"] for b in server.store.blobs()] == ["ABORTED"]
