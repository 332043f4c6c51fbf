"""``inprocess_transport``: a sync httpx transport that drives the sandbox app in-process (no sockets)."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette

from ingest.sandbox.gate import ConnectionDropped


class InProcessTransport(httpx.BaseTransport):
    """Each request runs the ASGI app on a fresh event loop in the calling thread (no threads left over)."""

    def __init__(self, app: Starlette) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def run() -> tuple[int, httpx.Headers, bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(inner)
            content = await response.aread()
            return response.status_code, response.headers, content

        try:
            status, headers, content = asyncio.run(run())
        except ConnectionDropped as exc:
            # What httpx raises when a real server closes the socket without answering.
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from exc
        return httpx.Response(status, headers=headers, content=content, request=request)


def inprocess_transport(app: Starlette) -> httpx.BaseTransport:
    """A transport for ``httpx.Client(transport=..., base_url="http://sandbox")`` in unit tests."""
    return InProcessTransport(app)
