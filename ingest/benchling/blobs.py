"""Blob uploads: one request up to ~10 MB, multipart above, streamed from disk part by part.

Blob ids are made by the server, so "never store twice" cannot hold: an upload whose answer was lost is
sent again (``send_unkeyed_create``: counted as a possible orphan, and logged), and an orphan blob
(uploaded, never linked) costs only storage. The caller records the returned
id (in the ledger) before linking it, because an unlinked blob cannot be found again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from ingest.benchling.id_lookup import ChunkSize, KeyLookup, Lookup
from ingest.benchling.models import Blob, BlobPart, BlobType
from ingest.benchling.transport import ApiTransport
from ingest.benchling.unkeyed_create import send_unkeyed_create
from ingest.errors import AmbiguousWriteError, BenchlingError

log = logging.getLogger("ingest.benchling")

#: Files up to this size go in one POST /blobs (the official SDK's threshold).
SINGLE_UPLOAD_MAX_BYTES = 10_000_000
#: Benchling's minimum part size (except the last part) and our default part size.
MIN_PART_BYTES = 5 * 1024 * 1024
DEFAULT_PART_BYTES = 10 * 1024 * 1024
#: Ids per GET /blobs:bulk-get (no documented limit; lowered if refused).
BLOB_BULK_GET_CHUNK = 100


def _body_with_data(meta: dict[str, object], data: bytes) -> bytes:
    """JSON body = ``meta`` + ``md5`` + ``data64``, built without extra copies of the base64 text."""
    meta = {**meta, "md5": hashlib.md5(data).hexdigest()}
    head = json.dumps(meta, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return b"".join((head[:-1], b',"data64":"', base64.b64encode(data), b'"}'))


class BlobEndpoints:
    def __init__(self, transport: ApiTransport, *, part_bytes: int = DEFAULT_PART_BYTES) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError(
                f"Blob part size {part_bytes} is below Benchling's minimum of {MIN_PART_BYTES} bytes."
            )
        self._t = transport
        self._part_bytes = part_bytes
        self._chunk = ChunkSize(BLOB_BULK_GET_CHUNK)

    def upload_file(
        self,
        path: Path,
        *,
        name: str | None = None,
        blob_type: BlobType = "RAW_FILE",
        mime_type: str | None = None,
    ) -> Blob:
        """Upload a file from disk; memory stays bounded by one part whatever the file size."""
        size = path.stat().st_size
        with path.open("rb") as stream:
            if size <= SINGLE_UPLOAD_MAX_BYTES:
                return self.upload_bytes(
                    stream.read(), name=name or path.name, blob_type=blob_type, mime_type=mime_type
                )
            return self._upload_multipart(
                stream, name=name or path.name, blob_type=blob_type, mime_type=mime_type
            )

    def upload_bytes(
        self, data: bytes, *, name: str, blob_type: BlobType = "RAW_FILE", mime_type: str | None = None
    ) -> Blob:
        if len(data) > SINGLE_UPLOAD_MAX_BYTES:
            from io import BytesIO

            return self._upload_multipart(BytesIO(data), name=name, blob_type=blob_type, mime_type=mime_type)
        meta: dict[str, object] = {"name": name, "type": blob_type}
        if mime_type:
            meta["mimeType"] = mime_type
        response = send_unkeyed_create(
            self._t, "POST", "/blobs", orphan="an unlinked blob", content=_body_with_data(meta, data)
        )
        self._t.stats.blob_bytes(len(data))
        return Blob.model_validate(response.json())

    def get(self, blob_id: str) -> Blob:
        return Blob.model_validate(
            self._t.request("GET", "/blobs/{blob_id}", path_params={"blob_id": blob_id}).json()
        )

    def _fetch(self, ids: list[str]) -> list[Blob]:
        body = self._t.request("GET", "/blobs:bulk-get", params={"blobIds": ",".join(ids)}).json()
        return [Blob.model_validate(item) for item in body.get("blobs") or []]

    def lookup(self, blob_ids: Sequence[str]) -> Lookup[Blob]:
        """The blobs Benchling holds among ``blob_ids`` (any upload status) and the ids it does not."""
        return KeyLookup(self._fetch, lambda blob: blob.id, self._chunk).run(blob_ids)

    def _upload_multipart(
        self, stream: BinaryIO, *, name: str, blob_type: BlobType, mime_type: str | None
    ) -> Blob:
        meta: dict[str, object] = {"name": name, "type": blob_type}
        if mime_type:
            meta["mimeType"] = mime_type
        started = send_unkeyed_create(
            self._t,
            "POST",
            "/blobs:start-multipart-upload",
            orphan="an unfinished multipart upload",
            json=meta,
        )
        blob = Blob.model_validate(started.json())
        try:
            parts: list[dict[str, object]] = []
            number = 0
            while chunk := stream.read(self._part_bytes):
                number += 1
                parts.append(self._upload_part(blob.id, number, chunk).model_dump(by_alias=True))
                del chunk
            return self._complete(blob.id, parts)
        except BaseException:
            self._abort_quietly(blob.id)
            raise

    def _upload_part(self, blob_id: str, number: int, data: bytes) -> BlobPart:
        # Re-sending a part number replaces that part, so parts are retried like reads.
        response = self._t.request(
            "POST",
            "/blobs/{blob_id}/parts",
            path_params={"blob_id": blob_id},
            content=_body_with_data({"partNumber": number}, data),
        )
        self._t.stats.blob_bytes(len(data))
        return BlobPart.model_validate(response.json())

    def _complete(self, blob_id: str, parts: list[dict[str, object]]) -> Blob:
        try:
            response = self._t.request(
                "POST",
                "/blobs/{blob_id}:complete-upload",
                path_params={"blob_id": blob_id},
                json={"parts": parts},
                write=True,
            )
        except AmbiguousWriteError:
            self._t.stats.ambiguous_write()
            blob = self.get(blob_id)
            if blob.upload_status == "COMPLETE":
                return blob
            response = self._t.request(
                "POST",
                "/blobs/{blob_id}:complete-upload",
                path_params={"blob_id": blob_id},
                json={"parts": parts},
            )
        return Blob.model_validate(response.json())

    def _abort_quietly(self, blob_id: str) -> None:
        try:
            self._t.request("POST", "/blobs/{blob_id}:abort-upload", path_params={"blob_id": blob_id})
        except BenchlingError as exc:
            log.warning("Could not abort multipart upload of blob %s: %s", blob_id, exc)
