"""Blob endpoints: single upload, multipart upload, get, bulk-get, download URL and download redirect.

Bytes go to disk (``BlobStorage``); records hold only metadata. Download URLs are HMAC-signed and expire,
and are served without authentication like Benchling's pre-signed URLs (see ``routes/downloads.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import bad_request
from ingest.sandbox.routes.inputs import comma_list, json_object, reject_unknown_keys, sandbox
from ingest.sandbox.routes.listing import found_or_refused, records_by_ids
from ingest.sandbox.state import SandboxState

_BLOB_TYPES = ("RAW_FILE", "VISUALIZATION")
MAX_PART_NUMBER = 10_000


def _blob_doc(body: dict[str, Any], status: str) -> dict[str, Any]:
    name, blob_type = body.get("name"), body.get("type")
    mime_type = body.get("mimeType", "application/octet-stream")
    if not isinstance(name, str) or not name or len(name) > 1000:
        raise bad_request(f"Blob name must be a string of 1..1000 characters, got {name!r}.")
    if blob_type not in _BLOB_TYPES:
        raise bad_request(f"Blob type {blob_type!r} must be one of {list(_BLOB_TYPES)}.")
    if not isinstance(mime_type, str) or len(mime_type) > 100:
        raise bad_request(f"Blob mimeType must be a string of at most 100 characters, got {mime_type!r}.")
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "type": blob_type,
        "mimeType": mime_type,
        "uploadStatus": status,
    }


def _decode_checked(body: dict[str, Any], max_bytes: int | None, where: str) -> bytes:
    data64, md5 = body.get("data64"), body.get("md5")
    if not isinstance(data64, str) or not isinstance(md5, str):
        raise bad_request(
            f"{where} needs data64 (base64 of the bytes) and md5 (hex MD5 of the bytes) strings."
        )
    try:
        # The official SDK sends base64.encodebytes output: newlines every 76 characters.
        data = base64.b64decode("".join(data64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(f"{where} data64 is not valid base64.") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise bad_request(
            f"{where} holds {len(data)} bytes; a single upload takes at most {max_bytes} bytes; "
            "use a multipart upload."
        )
    actual = hashlib.md5(data).hexdigest()
    if actual != md5.strip().lower():
        raise bad_request(f"{where} md5 '{md5}' does not match the decoded bytes, whose MD5 is '{actual}'.")
    return data


def _blob_record(state: SandboxState, blob_id: str, *, status: int = 400) -> dict[str, Any]:
    return records_by_ids(state.store, "blobs", [blob_id], "Blobs", status=status)[0]


async def create_blob(request: Request) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(body, {"name", "type", "data64", "md5", "mimeType"}, "BlobCreate")
    doc = _blob_doc(body, "COMPLETE")
    data = _decode_checked(body, state.config.limits.max_single_blob_bytes, "The blob")
    state.blobs.write_blob(doc["id"], data)
    state.store.put(
        "blobs", doc["id"], {"doc": doc, "size": len(data), "md5": body["md5"].lower(), "parts": {}}
    )
    return JSONResponse(doc)


async def start_multipart(request: Request) -> JSONResponse:
    state = sandbox(request)
    body = await json_object(request)
    reject_unknown_keys(body, {"name", "type", "mimeType"}, "BlobMultipartCreate")
    doc = _blob_doc(body, "IN_PROGRESS")
    state.store.put("blobs", doc["id"], {"doc": doc, "size": 0, "md5": None, "parts": {}})
    return JSONResponse(doc)


def _in_progress(state: SandboxState, blob_id: str) -> dict[str, Any]:
    record = _blob_record(state, blob_id)
    status = record["doc"]["uploadStatus"]
    if status != "IN_PROGRESS":
        raise bad_request(f"Blob '{blob_id}' is {status}; parts can only be added to an IN_PROGRESS upload.")
    return record


async def upload_part(request: Request) -> JSONResponse:
    state = sandbox(request)
    blob_id = request.path_params["blob_id"]
    record = _in_progress(state, blob_id)
    body = await json_object(request)
    reject_unknown_keys(body, {"partNumber", "data64", "md5"}, "BlobPartCreate")
    number = body.get("partNumber")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_PART_NUMBER:
        raise bad_request(f"partNumber {number!r} must be an integer from 1 to {MAX_PART_NUMBER}.")
    data = _decode_checked(body, None, f"Part {number} of blob '{blob_id}'")
    state.blobs.write_part(blob_id, number, data)
    etag = f'"{hashlib.md5(data).hexdigest()}"'
    record["parts"][str(number)] = {"eTag": etag, "size": len(data)}
    state.store.put("blobs", blob_id, record)
    return JSONResponse({"partNumber": number, "eTag": etag})


async def complete_upload(request: Request) -> JSONResponse:
    state = sandbox(request)
    blob_id = request.path_params["blob_id"]
    record = _in_progress(state, blob_id)
    body = await json_object(request)
    reject_unknown_keys(body, {"parts"}, "BlobComplete")
    parts = body.get("parts")
    if not isinstance(parts, list) or not parts:
        raise bad_request(
            f"Completing blob '{blob_id}' needs a non-empty 'parts' list of {{partNumber, eTag}}."
        )
    numbers: list[int] = []
    for index, part in enumerate(parts):
        number = part.get("partNumber") if isinstance(part, dict) else None
        stored = record["parts"].get(str(number))
        if stored is None:
            raise bad_request(
                f"parts[{index}] names part {number!r}, which was not uploaded to blob '{blob_id}'."
            )
        if part.get("eTag", "").strip('"') != stored["eTag"].strip('"'):
            raise bad_request(
                f"parts[{index}] eTag {part.get('eTag')!r} does not match "
                f"part {number}'s eTag {stored['eTag']}."
            )
        numbers.append(int(str(number)))
    if len(set(numbers)) != len(numbers):
        raise bad_request(f"Completing blob '{blob_id}': part numbers repeat in {numbers}.")
    # Part numbers need not be consecutive (spec), but every uploaded part must be listed: completing
    # without one would silently drop its bytes.
    unlisted = sorted(int(n) for n in record["parts"] if int(n) not in set(numbers))
    if unlisted:
        raise bad_request(
            f"Completing blob '{blob_id}' lists parts {sorted(numbers)} but parts {unlisted} were uploaded "
            "too; list every uploaded part (or abort the upload)."
        )
    numbers.sort()
    minimum = state.config.limits.min_part_bytes
    small = [n for n in numbers[:-1] if record["parts"][str(n)]["size"] < minimum]
    if small:
        raise bad_request(
            f"Parts {small} of blob '{blob_id}' are smaller than {minimum} bytes; only the last may be."
        )
    size, md5 = state.blobs.assemble(blob_id, numbers)
    record["doc"]["uploadStatus"] = "COMPLETE"
    record.update(size=size, md5=md5, parts={})
    state.store.put("blobs", blob_id, record)
    return JSONResponse(record["doc"])


async def abort_upload(request: Request) -> JSONResponse:
    state = sandbox(request)
    blob_id = request.path_params["blob_id"]
    record = _in_progress(state, blob_id)
    state.blobs.discard_parts(blob_id)
    record["doc"]["uploadStatus"] = "ABORTED"
    record["parts"] = {}
    state.store.put("blobs", blob_id, record)
    return JSONResponse({})


async def get_blob(request: Request) -> JSONResponse:
    return JSONResponse(_blob_record(sandbox(request), request.path_params["blob_id"], status=404)["doc"])


async def bulk_get_blobs(request: Request) -> JSONResponse:
    state = sandbox(request)
    ids = comma_list(request, "blobIds", required=True, max_items=state.variants.bulk_get_max_ids)
    records = [state.store.get("blobs", i) for i in ids]
    found = found_or_refused(records, ids, state.variants.blobs_missing, "Blobs")
    return JSONResponse({"blobs": [r["doc"] for r in found]})


def sign_download(state: SandboxState, blob_id: str, expires_at: int) -> str:
    message = f"{blob_id}.{expires_at}".encode()
    return hmac.new(state.download_secret, message, hashlib.sha256).hexdigest()


def _download_url(request: Request) -> tuple[str, int]:
    state = sandbox(request)
    blob_id = request.path_params["blob_id"]
    record = _blob_record(state, blob_id, status=404)
    if record["doc"]["uploadStatus"] != "COMPLETE":
        raise bad_request(
            f"Blob '{blob_id}' is {record['doc']['uploadStatus']}; only COMPLETE blobs download."
        )
    expires_at = math.floor(state.clock.wall()) + state.config.download_url_ttl_seconds
    signature = sign_download(state, blob_id, expires_at)
    base = str(request.base_url).rstrip("/")
    return f"{base}/sandbox-downloads/{blob_id}?expires={expires_at}&signature={signature}", expires_at


async def get_download_url(request: Request) -> JSONResponse:
    url, expires_at = _download_url(request)
    return JSONResponse({"downloadURL": url, "expiresAt": expires_at})


async def download(request: Request) -> RedirectResponse:
    url, _ = _download_url(request)
    return RedirectResponse(url, status_code=302)


ROUTES = [
    Route("/api/v2/blobs", create_blob, methods=["POST"]),
    Route("/api/v2/blobs:start-multipart-upload", start_multipart, methods=["POST"]),
    Route("/api/v2/blobs:bulk-get", bulk_get_blobs, methods=["GET"]),
    Route("/api/v2/blobs/{blob_id:id}/parts", upload_part, methods=["POST"]),
    Route("/api/v2/blobs/{blob_id:id}:complete-upload", complete_upload, methods=["POST"]),
    Route("/api/v2/blobs/{blob_id:id}:abort-upload", abort_upload, methods=["POST"]),
    Route("/api/v2/blobs/{blob_id:id}/download-url", get_download_url, methods=["GET"]),
    Route("/api/v2/blobs/{blob_id:id}/download", download, methods=["GET"]),
    Route("/api/v2/blobs/{blob_id:id}", get_blob, methods=["GET"]),
]
