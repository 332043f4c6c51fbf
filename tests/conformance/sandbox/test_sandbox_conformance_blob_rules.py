"""Blob upload rules over HTTP: md5, base64 tolerance, single-upload size, multipart part rules, eTags."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

import httpx
import pytest
from conformance.sandbox.wire import blob_body, error_text

from ingest.sandbox import SandboxServer

MB = 1024 * 1024


def part_body(data: bytes, part_number: int, *, md5: str | None = None) -> dict[str, Any]:
    return {
        "partNumber": part_number,
        "data64": base64.b64encode(data).decode("ascii"),
        "md5": md5 or hashlib.md5(data).hexdigest(),
    }


def start_multipart(api: httpx.Client) -> str:
    response = api.post(
        "/blobs:start-multipart-upload",
        json={"name": "raw.bin", "type": "RAW_FILE", "mimeType": "application/octet-stream"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["uploadStatus"] == "IN_PROGRESS"
    blob_id: str = response.json()["id"]
    return blob_id


def upload_part(api: httpx.Client, blob_id: str, data: bytes, part_number: int) -> dict[str, Any]:
    response = api.post(f"/blobs/{blob_id}/parts", json=part_body(data, part_number))
    assert response.status_code == 200, response.text
    part: dict[str, Any] = response.json()
    assert part["partNumber"] == part_number
    return part


def assert_rejected(response: httpx.Response, *names: str) -> None:
    assert response.status_code == 400, f"expected 400, got {response.status_code}: {response.text}"
    text = error_text(response.json()).lower()
    for name in names:
        assert name.lower() in text, f"the error does not name {name!r}: {text}"


def test_spec_worked_example_is_accepted_and_downloadable(api: httpx.Client) -> None:
    body = {
        "name": "hello.txt",
        "type": "RAW_FILE",
        "data64": "aGVsbG8=",
        "md5": "5d41402abc4b2a76b9719d911017c592",
    }
    response = api.post("/blobs", json=body)
    assert response.status_code == 200, response.text
    blob = response.json()
    assert blob["uploadStatus"] == "COMPLETE"
    assert blob["mimeType"] == "application/octet-stream"  # the documented default
    url = api.get(f"/blobs/{blob['id']}/download-url")
    assert url.status_code == 200, url.text
    # Pre-signed: fetched without credentials, as the SDK's download_bytes does.
    assert httpx.get(url.json()["downloadURL"]).content == b"hello"


def test_bad_md5_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    wrong = hashlib.md5(b"something else").hexdigest()
    assert_rejected(api.post("/blobs", json=blob_body(b"hello", md5=wrong)), "md5")
    assert sandbox.store.blobs() == []


def test_md5_of_the_base64_text_instead_of_the_bytes_is_rejected(api: httpx.Client) -> None:
    encoded_md5 = hashlib.md5(b"aGVsbG8=").hexdigest()
    assert_rejected(api.post("/blobs", json=blob_body(b"hello", md5=encoded_md5)), "md5")


def test_invalid_base64_is_rejected(api: httpx.Client) -> None:
    body = {**blob_body(b"hello"), "data64": "!!not base64!!"}
    assert_rejected(api.post("/blobs", json=body), "data64")


def test_base64_with_line_breaks_is_accepted(api: httpx.Client) -> None:
    # The SDK sends base64.encodebytes output: a newline every 76 characters and a trailing one.
    data = os.urandom(1000)
    body = {**blob_body(data), "data64": base64.encodebytes(data).decode("ascii")}
    assert "\n" in body["data64"]
    response = api.post("/blobs", json=body)
    assert response.status_code == 200, response.text
    url = api.get(f"/blobs/{response.json()['id']}/download-url").json()["downloadURL"]
    assert httpx.get(url).content == data


def test_unknown_blob_type_is_rejected(api: httpx.Client) -> None:
    assert_rejected(api.post("/blobs", json={**blob_body(b"x"), "type": "PDF"}), "type")


def test_single_blob_over_10_mb_is_rejected(api: httpx.Client, sandbox: SandboxServer) -> None:
    data = b"\0" * (10 * MB + 1)
    assert_rejected(api.post("/blobs", json=blob_body(data, "big.bin")))
    assert sandbox.store.blobs() == []


def test_unknown_blob_is_404_with_its_id(api: httpx.Client) -> None:
    missing = "6a1e4e8e-2222-4333-8444-555566667777"
    response = api.get(f"/blobs/{missing}")
    assert response.status_code == 404
    assert response.json()["error"]["invalidId"] == missing


def test_multipart_upload_round_trips(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    first, last = os.urandom(5 * MB), os.urandom(1234)
    # Part numbers need not be consecutive; they order the parts.
    parts = [upload_part(api, blob_id, first, 3), upload_part(api, blob_id, last, 7)]
    response = api.post(f"/blobs/{blob_id}:complete-upload", json={"parts": parts})
    assert response.status_code == 200, response.text
    assert response.json()["uploadStatus"] == "COMPLETE"
    url = api.get(f"/blobs/{blob_id}/download-url").json()["downloadURL"]
    assert hashlib.sha256(httpx.get(url).content).hexdigest() == hashlib.sha256(first + last).hexdigest()


def test_only_part_may_be_small(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    parts = [upload_part(api, blob_id, b"tiny", 1)]
    response = api.post(f"/blobs/{blob_id}:complete-upload", json={"parts": parts})
    assert response.status_code == 200, response.text


def test_part_under_5_mb_that_is_not_last_is_rejected(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    parts = [upload_part(api, blob_id, os.urandom(MB), 1), upload_part(api, blob_id, os.urandom(MB), 2)]
    response = api.post(f"/blobs/{blob_id}:complete-upload", json={"parts": parts})
    assert_rejected(response, "5")
    assert api.get(f"/blobs/{blob_id}").json()["uploadStatus"] != "COMPLETE"


@pytest.mark.parametrize("part_number", [0, 10001, -1])
def test_part_number_out_of_range_is_rejected(api: httpx.Client, part_number: int) -> None:
    blob_id = start_multipart(api)
    assert_rejected(api.post(f"/blobs/{blob_id}/parts", json=part_body(b"data", part_number)), "partNumber")


def test_part_with_bad_md5_is_rejected(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    body = part_body(b"data", 1, md5=hashlib.md5(b"other").hexdigest())
    assert_rejected(api.post(f"/blobs/{blob_id}/parts", json=body), "md5")


def test_wrong_etag_on_complete_is_rejected(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    part = upload_part(api, blob_id, b"only part", 1)
    response = api.post(
        f"/blobs/{blob_id}:complete-upload", json={"parts": [{"partNumber": 1, "eTag": '"0123456789abcdef"'}]}
    )
    assert_rejected(response, "eTag")
    assert api.get(f"/blobs/{blob_id}").json()["uploadStatus"] == "IN_PROGRESS"
    # The right eTag still completes it.
    response = api.post(f"/blobs/{blob_id}:complete-upload", json={"parts": [part]})
    assert response.status_code == 200, response.text


def test_complete_naming_a_part_never_uploaded_is_rejected(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    part = upload_part(api, blob_id, b"only part", 1)
    response = api.post(
        f"/blobs/{blob_id}:complete-upload", json={"parts": [part, {**part, "partNumber": 2}]}
    )
    assert_rejected(response, "2")


def test_aborted_upload_cannot_be_completed(api: httpx.Client) -> None:
    blob_id = start_multipart(api)
    part = upload_part(api, blob_id, b"only part", 1)
    aborted = api.post(f"/blobs/{blob_id}:abort-upload")
    assert aborted.status_code == 200, aborted.text
    assert api.get(f"/blobs/{blob_id}").json()["uploadStatus"] == "ABORTED"
    assert api.post(f"/blobs/{blob_id}:complete-upload", json={"parts": [part]}).status_code == 400
