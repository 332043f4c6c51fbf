"""``SandboxServer``: the sandbox app under uvicorn on a background thread, as a context manager."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any, cast

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from ingest.sandbox.app import create_app
from ingest.sandbox.config import SandboxConfig
from ingest.sandbox.faults import FaultSpec
from ingest.sandbox.gate import CLOSE_CONNECTION_EXTENSION
from ingest.sandbox.state import RequestLog, SandboxState
from ingest.sandbox.store import Store

_STARTUP_TIMEOUT = 10.0


class _ConnectionCloser:
    """Hands the gate a way to drop the connection for ``drop`` faults.

    uvicorn's h11 protocol passes ``send`` as a bound method of its request cycle, which holds the
    asyncio transport; closing it ends the connection with no response at all.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
        if scope["type"] == "http" and transport is not None:
            extensions = {**scope.get("extensions", {}), CLOSE_CONNECTION_EXTENSION: transport.close}
            scope = {**scope, "extensions": extensions}
        await self.app(scope, receive, send)


class SandboxServer:
    """Serves the sandbox on ``host:port`` (port 0 = any free port) between ``__enter__`` and ``__exit__``.

    ``__exit__`` asks uvicorn to stop and joins its thread, so no thread outlives the block.
    """

    def __init__(self, config: SandboxConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self.app = create_app(config)
        self.state = cast(SandboxState, self.app.state.sandbox)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by accepted connections: uvicorn writes a response's head and body separately, and
        # with Nagle's algorithm the body waits for the client's delayed ACK (~40 ms per request).
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind((host, port))
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                _ConnectionCloser(self.app),
                http="h11",
                lifespan="off",
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=2,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v2"

    @property
    def api_key(self) -> str:
        return self.config.api_keys[0]

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def request_log(self) -> RequestLog:
        return self.state.request_log

    def blob_bytes(self, blob_id: str) -> bytes:
        """The stored bytes of a completed blob (test helper)."""
        return self.state.blobs.read(blob_id)

    def set_faults(self, spec: FaultSpec) -> None:
        """Change the fault configuration while running."""
        self.state.set_faults(spec)

    def set_api_keys(self, *keys: str) -> None:
        """Change the user API keys accepted while running (tests: a key refused, then accepted)."""
        self.state.set_api_keys(keys)

    def start(self) -> None:
        self._socket.listen(128)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"sandbox-{self.port}"
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The sandbox server on {self.base_url} did not start.")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._socket.close()
        self.state.close()

    def serve_forever(self) -> None:
        """Run in the calling thread until Ctrl-C (the CLI)."""
        self._socket.listen(128)
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()
            self.state.close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SandboxServer({self.base_url})"
