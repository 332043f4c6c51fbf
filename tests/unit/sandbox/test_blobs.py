from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from ingest.sandbox import ManualClock
from tests.support.inprocess_sandbox import Sandbox


def _part(number: int, data: bytes) -> dict[str, Any]:
    return {
        "partNumber": number,
        "data64": base64.b64encode(data).decode(),
        "md5": hashlib.md5(data).hexdigest(),
    }


def test_single_upload_accepts_encodebytes_and_checks_md5(sandbox: Sandbox) -> None:
    data = bytes(range(256)) * 3  # several base64 lines
    blob_id = sandbox.upload_blob(data)
    assert sandbox.client.get(f"/blobs/{blob_id}").json()["uploadStatus"] == "COMPLETE"
    assert sandbox.state.blobs.read(blob_id) == data
    spec_example = sandbox.client.post(
        "/blobs",
        json={
            "name": "h",
            "type": "RAW_FILE",
            "data64": "aGVsbG8=",
            "md5": "5d41402abc4b2a76b9719d911017c592",
        },
    )
    assert spec_example.status_code == 200 and spec_example.json()["mimeType"] == "application/octet-stream"
    wrong = sandbox.client.post(
        "/blobs", json={"name": "h", "type": "RAW_FILE", "data64": "aGVsbG8=", "md5": "0" * 32}
    )
    assert wrong.status_code == 400 and "does not match" in wrong.json()["error"]["message"]


def test_single_upload_size_limit_and_bad_type(sandbox: Sandbox) -> None:
    data = b"x" * 1001
    too_big = sandbox.client.post(
        "/blobs",
        json={
            "name": "b",
            "type": "RAW_FILE",
            "data64": base64.b64encode(data).decode(),
            "md5": hashlib.md5(data).hexdigest(),
        },
    )
    assert too_big.status_code == 400 and "multipart" in too_big.json()["error"]["message"]
    bad_type = sandbox.client.post("/blobs", json={"name": "b", "type": "PDF", "data64": "", "md5": ""})
    assert bad_type.status_code == 400


def test_body_over_limit_is_413_by_content_length(sandbox: Sandbox) -> None:
    response = sandbox.client.post(
        "/blobs", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_body_over_limit_is_413_while_streaming_without_content_length(sandbox: Sandbox) -> None:
    def chunks() -> Any:
        for _ in range(10):
            yield b" " * 10_000

    response = sandbox.client.post("/blobs", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_multipart_upload_checks_part_sizes_and_etags(sandbox: Sandbox) -> None:
    blob = sandbox.client.post(
        "/blobs:start-multipart-upload", json={"name": "big", "type": "RAW_FILE"}
    ).json()
    assert blob["uploadStatus"] == "IN_PROGRESS"
    url = f"/blobs/{blob['id']}"
    small = sandbox.client.post(f"{url}/parts", json=_part(1, b"a" * 50)).json()
    last = sandbox.client.post(f"{url}/parts", json=_part(2, b"b" * 10)).json()
    assert sandbox.client.post(f"{url}/parts", json=_part(10001, b"c")).status_code == 400
    too_small = sandbox.client.post(f"{url}:complete-upload", json={"parts": [small, last]})
    assert too_small.status_code == 400 and "smaller than 100 bytes" in too_small.json()["error"]["message"]
    first = sandbox.client.post(f"{url}/parts", json=_part(1, b"a" * 150)).json()
    bad_etag = sandbox.client.post(
        f"{url}:complete-upload", json={"parts": [{**first, "eTag": '"abc"'}, last]}
    )
    assert bad_etag.status_code == 400 and "eTag" in bad_etag.json()["error"]["message"]
    done = sandbox.client.post(f"{url}:complete-upload", json={"parts": [last, first]})
    assert done.status_code == 200 and done.json()["uploadStatus"] == "COMPLETE"
    assert sandbox.state.blobs.read(blob["id"]) == b"a" * 150 + b"b" * 10
    assert sandbox.client.post(f"{url}/parts", json=_part(3, b"c")).status_code == 400


def test_abort_upload(sandbox: Sandbox) -> None:
    blob = sandbox.client.post("/blobs:start-multipart-upload", json={"name": "x", "type": "RAW_FILE"}).json()
    sandbox.client.post(f"/blobs/{blob['id']}/parts", json=_part(1, b"a"))
    assert sandbox.client.post(f"/blobs/{blob['id']}:abort-upload").json() == {}
    assert sandbox.client.get(f"/blobs/{blob['id']}").json()["uploadStatus"] == "ABORTED"


def test_download_url_works_without_auth_and_expires(make_sandbox: Callable[..., Sandbox]) -> None:
    clock = ManualClock()
    sandbox = make_sandbox(clock=clock, download_url_ttl_seconds=60)
    blob_id = sandbox.upload_blob(b"chromatogram")
    link = sandbox.client.get(f"/blobs/{blob_id}/download-url").json()
    assert link["expiresAt"] == int(clock.wall()) + 60
    assert sandbox.anonymous.get(link["downloadURL"]).content == b"chromatogram"
    redirect = sandbox.client.get(f"/blobs/{blob_id}/download")
    assert redirect.status_code == 302 and "/sandbox-downloads/" in redirect.headers["location"]
    tampered = link["downloadURL"].replace("signature=", "signature=0")
    assert sandbox.anonymous.get(tampered).status_code == 403
    clock.advance(60)
    assert sandbox.anonymous.get(link["downloadURL"]).status_code == 403


def test_bulk_get_blobs_and_unknown_blob(sandbox: Sandbox) -> None:
    a, b = sandbox.upload_blob(b"a"), sandbox.upload_blob(b"b")
    listed = sandbox.client.get("/blobs:bulk-get", params={"blobIds": f"{a},{b}"}).json()
    assert [x["id"] for x in listed["blobs"]] == [a, b]
    assert sandbox.client.get("/blobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_unknown_ids_are_404_only_where_the_spec_documents_404(sandbox: Sandbox) -> None:
    unknown = "00000000-0000-0000-0000-000000000001"
    assert sandbox.client.get(f"/blobs/{unknown}/download-url").status_code == 404
    assert sandbox.client.get(f"/blobs:bulk-get?blobIds={unknown}").status_code == 400
    part = sandbox.client.post(f"/blobs/{unknown}/parts", json=_part(1, b"a"))
    assert part.status_code == 400 and part.json()["error"]["invalidId"] == unknown
    assert sandbox.client.get(f"/assay-results/{unknown}").status_code == 400
    assert sandbox.client.post(f"/result-transactions/{unknown}:commit").status_code == 400


def test_completing_without_an_uploaded_part_is_refused_but_gaps_in_numbering_are_not(
    sandbox: Sandbox,
) -> None:
    blob = sandbox.client.post("/blobs:start-multipart-upload", json={"name": "x", "type": "RAW_FILE"}).json()
    url = f"/blobs/{blob['id']}"
    first = sandbox.client.post(f"{url}/parts", json=_part(1, b"a" * 150)).json()
    middle = sandbox.client.post(f"{url}/parts", json=_part(2, b"b" * 150)).json()
    last = sandbox.client.post(f"{url}/parts", json=_part(5, b"c" * 10)).json()
    unlisted = sandbox.client.post(f"{url}:complete-upload", json={"parts": [first, last]})
    assert unlisted.status_code == 400
    assert "parts [2] were uploaded too" in unlisted.json()["error"]["message"]
    assert sandbox.client.get(url).json()["uploadStatus"] == "IN_PROGRESS"
    # Part numbers 1, 2, 5: not consecutive, which the spec allows.
    done = sandbox.client.post(f"{url}:complete-upload", json={"parts": [first, middle, last]})
    assert done.status_code == 200
    assert sandbox.state.blobs.read(blob["id"]) == b"a" * 150 + b"b" * 150 + b"c" * 10
