"""The pre-signed download URL: no auth, no rate limit, HMAC-checked and expiring."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ingest.sandbox.envelopes import error_body
from ingest.sandbox.routes.blobs import sign_download
from ingest.sandbox.routes.inputs import sandbox


async def presigned_download(request: Request) -> Response:
    state = sandbox(request)
    blob_id = request.path_params["blob_id"]
    expires, signature = request.query_params.get("expires", ""), request.query_params.get("signature", "")
    if not expires.isdigit() or not hmac.compare_digest(
        sign_download(state, blob_id, int(expires)), signature
    ):
        return JSONResponse(error_body("The download URL signature is invalid."), status_code=403)
    if state.clock.wall() >= int(expires):
        return JSONResponse(error_body("The download URL has expired; request a new one."), status_code=403)
    record = state.store.get("blobs", blob_id)
    if record is None:
        return JSONResponse(
            error_body(f"Blob '{blob_id}' was not found.", invalidId=blob_id), status_code=404
        )

    async def chunks() -> AsyncIterator[bytes]:
        for chunk in state.blobs.iter_bytes(blob_id):
            yield chunk

    headers = {
        "content-length": str(record["size"]),
        "content-disposition": f'attachment; filename="{blob_id}"',
    }
    return StreamingResponse(chunks(), media_type=record["doc"]["mimeType"], headers=headers)


ROUTES = [Route("/sandbox-downloads/{blob_id:id}", presigned_download, methods=["GET"])]
