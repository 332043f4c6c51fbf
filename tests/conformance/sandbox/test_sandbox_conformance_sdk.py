"""The official benchling-sdk, over real HTTP, against the sandbox: every call Benchling users make works.

Every response also passes through the spec hook (see conftest), so these double as spec checks.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import httpx
import pytest
from benchling_api_client.v2.extensions import UnknownType
from benchling_sdk.auth.api_key_auth import ApiKeyAuth
from benchling_sdk.auth.client_credentials_oauth2 import ClientCredentialsOAuth2
from benchling_sdk.benchling import Benchling
from benchling_sdk.errors import BenchlingError
from benchling_sdk.helpers.retry_helpers import RetryStrategy
from benchling_sdk.models import (
    AssayFieldsCreate,
    AssayResultCreate,
    AssayRunCreate,
    AsyncTaskStatus,
    BlobUploadStatus,
    CustomEntityWithEntityType,
    Fields,
)
from conformance.sandbox.harness import MakeBenchling, SpecChecker, StartSandbox
from conformance.sandbox.wire import (
    PLATE_RESULT_SCHEMA,
    PLATE_RUN_SCHEMA,
    PROJECT,
    REGISTRY,
    RESULT_SCHEMA,
    RESULT_SCHEMAS,
    RUN_SCHEMA,
    RUN_SCHEMAS,
    SAMPLE,
    new_uuid,
)

from ingest.sandbox import FaultSpec, RateLimit, SandboxServer

pytestmark = [
    pytest.mark.timeout(120),
    # benchling-api-client passes cookies=... on every request, which httpx 0.28 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore:Setting per-request cookies:DeprecationWarning"),
    # The SDK's task helper imports the deprecated alias module benchling_api_client.types lazily.
    pytest.mark.filterwarnings("ignore:This package is deprecated:DeprecationWarning"),
]


def sdk_run(instrument: str = "LC-01", *, wrapped: bool = False, run_id: str | None = None) -> AssayRunCreate:
    values = {"instrument": instrument, "injection_volume_ul": 5.0, "run_status": "sfso_complete"}
    fields: Fields | AssayFieldsCreate
    if wrapped:
        fields = Fields.from_dict({key: {"value": value} for key, value in values.items()})
    else:
        fields = AssayFieldsCreate.from_dict(values)
    run = AssayRunCreate(schema_id=RUN_SCHEMA, fields=fields, project_id=PROJECT)
    if run_id is not None:
        run.id = run_id
    return run


def sdk_result(run_id: str, rt: float, *, wrapped: bool = False) -> AssayResultCreate:
    values = {"run": run_id, "sample": SAMPLE, "retention_time_min": rt, "peak_number": 1}
    fields: Fields | AssayFieldsCreate
    if wrapped:
        fields = Fields.from_dict({key: {"value": value} for key, value in values.items()})
    else:
        fields = AssayFieldsCreate.from_dict(values)
    return AssayResultCreate(schema_id=RESULT_SCHEMA, fields=fields, project_id=PROJECT, id=new_uuid())


def test_lists_run_and_result_schemas(benchling: Benchling) -> None:
    run_schemas = [s for page in benchling.schemas.list_assay_run_schemas() for s in page]
    result_schemas = [s for page in benchling.schemas.list_assay_result_schemas() for s in page]
    assert {s.id for s in run_schemas} == RUN_SCHEMAS >= {RUN_SCHEMA, PLATE_RUN_SCHEMA}
    assert {s.id for s in result_schemas} == RESULT_SCHEMAS >= {RESULT_SCHEMA, PLATE_RESULT_SCHEMA}
    chrom_run = next(s for s in run_schemas if s.id == RUN_SCHEMA)
    assert chrom_run.name == "Chromatography Run"
    run_fields = [f for f in chrom_run.field_definitions if not isinstance(f, UnknownType)]
    assert len(run_fields) == len(chrom_run.field_definitions)  # every definition parsed into a typed model
    instrument = next(f for f in run_fields if f.name == "instrument")
    assert instrument.is_required is True
    one = benchling.schemas.get_assay_result_schema_by_id(RESULT_SCHEMA)
    names = {f.name for f in one.field_definitions if not isinstance(f, UnknownType)}
    assert {"run", "sample", "retention_time_min", "peak_details", "review"} <= names


def test_small_blob_upload_round_trips(benchling: Benchling, sandbox: SandboxServer) -> None:
    data = b"time,signal\n0.0,1.5\n0.1,1.7\n" * 10
    blob = benchling.blobs.create_from_bytes(data, name="trace.csv", mime_type="text/csv")
    assert blob.upload_status == BlobUploadStatus.COMPLETE
    assert blob.name == "trace.csv"
    fetched = benchling.blobs.get_by_id(blob.id)
    assert fetched.id == blob.id
    assert benchling.blobs.download_bytes(blob.id).getvalue() == data


def test_25_mb_blob_goes_multipart_and_round_trips(benchling: Benchling, tmp_path: Path) -> None:
    # create_from_file, not create_from_bytes: the latter sizes its input with sys.getsizeof(BytesIO(data)),
    # which does not count a buffer shared with a bytes object, so 25 MB of bytes would go single-part.
    data = os.urandom(25 * 1000 * 1000)
    path = tmp_path / "raw.bin"
    path.write_bytes(data)
    blob = benchling.blobs.create_from_file(path, timeout_seconds=60)
    assert blob.upload_status == BlobUploadStatus.COMPLETE
    assert blob.name == "raw.bin"
    downloaded = benchling.blobs.download_bytes(blob.id).getvalue()
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("wrapped", [False, True], ids=["plain-values", "value-objects"])
def test_creates_runs_and_results_in_both_field_forms(benchling: Benchling, wrapped: bool) -> None:
    run_id = new_uuid()
    created = benchling.assay_runs.create([sdk_run(wrapped=wrapped, run_id=run_id)])
    assert created.assay_runs == [run_id]
    run = benchling.assay_runs.get_by_id(run_id)
    assert run.schema is not None and run.schema.id == RUN_SCHEMA
    assert run.fields["instrument"].value == "LC-01"
    assert run.fields["injection_volume_ul"].value == 5.0
    assert run.project_id == PROJECT

    results = [sdk_result(run_id, 1.25, wrapped=wrapped), sdk_result(run_id, 2.5, wrapped=wrapped)]
    response = benchling.assay_results.create(results)
    assert response.assay_results == [r.id for r in results]
    stored = benchling.assay_results.get_by_id(results[1].id)
    assert stored.fields["retention_time_min"].value == 2.5
    assert stored.fields["run"].value == run_id
    assert stored.fields["sample"].value == SAMPLE


def test_bulk_create_results_and_wait_for_the_task(benchling: Benchling) -> None:
    run_id = benchling.assay_runs.create([sdk_run()]).assay_runs[0]
    results = [sdk_result(run_id, 0.5 + i) for i in range(30)]
    task = benchling.assay_results.bulk_create(results)
    response = task.wait_for_response(max_wait_seconds=30)
    assert sorted(response.assay_results) == sorted(r.id for r in results)
    listed = [
        r.id
        for page in benchling.assay_results.list(
            schema_id=RESULT_SCHEMA, assay_run_ids=[run_id], page_size=100
        )
        for r in page
    ]
    assert sorted(listed) == sorted(r.id for r in results)


def test_bulk_create_task_polled_while_running(
    start_sandbox: StartSandbox, make_benchling: MakeBenchling
) -> None:
    server = start_sandbox(task_running_polls=1)
    benchling = make_benchling(server)
    run_id = benchling.assay_runs.create([sdk_run()]).assay_runs[0]
    task = benchling.assay_results.bulk_create([sdk_result(run_id, 1.0)])
    first = benchling.tasks.get_by_id(task.task_id)
    assert first.status == AsyncTaskStatus.RUNNING
    done = benchling.tasks.wait_for_task(task.task_id, interval_wait_seconds=1, max_wait_seconds=30)
    assert done.status == AsyncTaskStatus.SUCCEEDED


def test_bulk_gets_registered_entities_as_typed_models(benchling: Benchling) -> None:
    entities = benchling.registry.entities(REGISTRY, ["SMP-001", "SMP-002", "SMP-020"])
    # Typed models (CustomEntityWithEntityType), not UnknownType: the entityType discriminator works.
    typed = [e for e in entities if isinstance(e, CustomEntityWithEntityType)]
    assert len(typed) == len(entities), [type(e).__name__ for e in entities]
    by_registry_id = {e.entity_registry_id: e for e in typed}
    assert set(by_registry_id) == {"SMP-001", "SMP-002", "SMP-020"}
    assert by_registry_id["SMP-001"].id == "bfi_smp001"
    assert by_registry_id["SMP-020"].registry_id == REGISTRY
    registries = benchling.registry.registries()
    assert [r.id for r in registries] == [REGISTRY]


def test_client_credentials_authenticate(
    sandbox: SandboxServer, make_benchling: MakeBenchling, spec_checker: SpecChecker
) -> None:
    token_http = httpx.Client(timeout=30.0, event_hooks={"response": [spec_checker]})
    with token_http:
        auth = ClientCredentialsOAuth2("sandbox-client", "sandbox-secret", httpx_client=token_http)
        benchling = make_benchling(sandbox.base_url, auth_method=auth)
        schemas = [s for page in benchling.schemas.list_assay_run_schemas() for s in page]
        assert RUN_SCHEMA in {s.id for s in schemas}
        run_id = benchling.assay_runs.create([sdk_run()]).assay_runs[0]
        assert benchling.assay_runs.get_by_id(run_id).id == run_id
    assert spec_checker.checked >= 3  # token request included


def test_client_credentials_with_a_wrong_secret_are_refused(
    sandbox: SandboxServer, make_benchling: MakeBenchling, spec_checker: SpecChecker
) -> None:
    token_http = httpx.Client(timeout=30.0, event_hooks={"response": [spec_checker]})
    with token_http:
        auth = ClientCredentialsOAuth2("sandbox-client", "not-the-secret", httpx_client=token_http)
        benchling = make_benchling(sandbox.base_url, auth_method=auth)
        with pytest.raises(BenchlingError) as info:
            benchling.assay_runs.get_by_id(new_uuid())
    assert info.value.status_code == 401


def test_wrong_api_key_raises_401(sandbox: SandboxServer, make_benchling: MakeBenchling) -> None:
    benchling = make_benchling(sandbox, auth_method=ApiKeyAuth("not-a-key"))
    with pytest.raises(BenchlingError) as info:
        [s for page in benchling.schemas.list_assay_run_schemas() for s in page]
    assert info.value.status_code == 401
    assert "not-a-key" not in str(info.value.json)


def test_429_is_retried_by_the_sdk_and_succeeds(
    start_sandbox: StartSandbox, make_benchling: MakeBenchling
) -> None:
    server = start_sandbox(faults=FaultSpec.parse("POST /assay-runs: script=429"))
    benchling = make_benchling(server, retry=RetryStrategy())  # the SDK default: 1, 2, 4 ... s
    started = time.monotonic()
    run_id = new_uuid()
    created = benchling.assay_runs.create([sdk_run(run_id=run_id)])
    elapsed = time.monotonic() - started
    assert created.assay_runs == [run_id]
    assert 0.9 <= elapsed < 10, elapsed  # exactly one backoff of ~1 s
    listed = [r.id for page in benchling.assay_runs.list(schema_id=RUN_SCHEMA) for r in page]
    assert listed == [run_id]  # the 429 stored nothing; the retry stored it once


def test_429_from_the_rate_limit_is_retried_by_the_sdk(
    start_sandbox: StartSandbox, make_benchling: MakeBenchling
) -> None:
    server = start_sandbox(rate_limit=RateLimit(requests=2, window_seconds=1.0))
    benchling = make_benchling(server, retry=RetryStrategy())
    ids = [benchling.assay_runs.create([sdk_run()]).assay_runs[0] for _ in range(3)]
    assert len(set(ids)) == 3
    listed = {r.id for page in benchling.assay_runs.list(schema_id=RUN_SCHEMA) for r in page}
    assert listed == set(ids)


def test_pages_through_130_runs_with_the_sdk_generator(benchling: Benchling) -> None:
    runs = [sdk_run(f"LC-{i:03d}", run_id=new_uuid()) for i in range(130)]
    created = benchling.assay_runs.create(runs)
    assert len(created.assay_runs) == 130
    pages = list(benchling.assay_runs.list(schema_id=RUN_SCHEMA, page_size=100))
    assert [len(p) for p in pages] == [100, 30]
    seen = [r.id for page in pages for r in page]
    assert len(seen) == len(set(seen)) == 130
    assert set(seen) == {r.id for r in runs}
    default_pages = list(benchling.assay_runs.list(schema_id=RUN_SCHEMA))
    assert [len(p) for p in default_pages] == [50, 50, 30]


def test_result_transaction_commit_makes_results_visible(benchling: Benchling) -> None:
    run_id = benchling.assay_runs.create([sdk_run()]).assay_runs[0]
    first, second = sdk_result(run_id, 1.0), sdk_result(run_id, 2.0)
    with benchling.assay_results.transaction_manager() as transaction:
        transaction.append(first)
        transaction.extend([second])
        before_commit = [
            r.id
            for page in benchling.assay_results.list(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id])
            for r in page
        ]
        assert before_commit == []  # not visible until committed
    after = [
        r.id
        for page in benchling.assay_results.list(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id])
        for r in page
    ]
    assert sorted(after) == sorted([first.id, second.id])


def test_aborted_result_transaction_stores_nothing_visible(
    benchling: Benchling, sandbox: SandboxServer
) -> None:
    run_id = benchling.assay_runs.create([sdk_run()]).assay_runs[0]
    result = sdk_result(run_id, 1.0)
    with (
        pytest.raises(RuntimeError, match="parser gave up"),
        benchling.assay_results.transaction_manager() as tx,
    ):
        tx.append(result)
        raise RuntimeError("parser gave up")  # the manager aborts on an exception
    assert [
        r
        for page in benchling.assay_results.list(schema_id=RESULT_SCHEMA, assay_run_ids=[run_id])
        for r in page
    ] == []
    assert sandbox.store.results() == []


def test_bulk_gets_inventory_and_entries_as_typed_models(benchling: Benchling) -> None:
    containers = benchling.containers.bulk_get(barcodes=["VIAL-0001", "VIAL-0002"]) or []
    assert [(c.id, c.barcode) for c in containers] == [
        ("con_vial0001", "VIAL-0001"),
        ("con_vial0002", "VIAL-0002"),
    ]
    plates = benchling.plates.bulk_get(barcodes=["PLT-0001"]) or []
    assert [p.id for p in plates] == ["plt_assay01"]
    boxes = benchling.boxes.bulk_get(barcodes=["BOX-0001"]) or []
    assert [b.id for b in boxes] == ["box_vials01"]
    locations = benchling.locations.bulk_get(location_ids=["loc_freezer01"]) or []
    assert [loc.name for loc in locations] == ["Freezer -80 A"]
    entries = benchling.entries.bulk_get_entries(display_ids=["EXP23-001"]) or []
    assert [(e.id, e.display_id) for e in entries] == [("etr_exp23001", "EXP23-001")]
    assert benchling.entries.get_entry_by_id("etr_exp23002").name == "Plate reader calibration"
    listed = [c.id for page in benchling.containers.list(barcodes=["VIAL-0003"]) for c in page]
    assert listed == ["con_vial0003"]
