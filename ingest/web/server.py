"""The status page's HTTP server: a stdlib ``ThreadingHTTPServer`` on a thread of the service process.

Routes: ``/`` (the page; its script and style beside it), ``/api/status`` (what the page polls),
``/healthz``, ``/metrics``, and ``POST /api/retry`` (only with a token configured, and only with that
token in the ``X-Ingest-Token`` header; a custom header also keeps other sites' forms out). Everything
the page shows arrives as JSON and is put into the page as text, never as markup: file names are
hostile input. Requests are logged at debug level without their headers (the token is never logged).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

from ingest.errors import IngestError, without_secrets
from ingest.pipeline.service_snapshot import SnapshotPublisher
from ingest.web.address import HttpAddress
from ingest.web.health import judge
from ingest.web.metrics import ServiceMetrics

log = logging.getLogger("ingest.web")

#: Restores the file quarantined at the path given; returns how many files were put back.
Retry = Callable[[Path], int]

_STATIC = {
    "/": ("page.html", "text/html; charset=utf-8"),
    "/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
MAX_BODY = 4096


class StatusServer:
    """Serves one service's page; ``start`` binds (port 0: a free one, see ``url``), ``stop`` joins."""

    def __init__(
        self,
        address: HttpAddress,
        *,
        publisher: SnapshotPublisher,
        metrics: ServiceMetrics,
        token: str | None = None,
        retry: Retry | None = None,
    ) -> None:
        self.address = address
        self.publisher = publisher
        self.metrics = metrics
        self._token = token or None
        self._retry = retry
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def can_retry(self) -> bool:
        return self._token is not None and self._retry is not None

    @property
    def url(self) -> str:
        port = self._httpd.server_address[1] if self._httpd is not None else self.address.port
        return self.address.url(int(port))

    def start(self) -> None:
        try:
            httpd = _Httpd((self.address.host, self.address.port), _Handler)
        except OSError as exc:
            raise IngestError(
                f"The status page cannot listen on {self.address.host}:{self.address.port}: {exc.strerror}. "
                "Expected a free port on an address of this machine."
            ) from exc
        httpd.app = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="status-page", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()  # joins the request threads
        if self._thread is not None:
            self._thread.join()

    # -- what the routes answer ------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        return {
            **self.publisher.latest(),
            "hosts": self.publisher.hosts(live=True),
            "can_retry": self.can_retry,
            "now": time.time(),
        }

    def token_matches(self, offered: str | None) -> bool:
        if self._token is None or offered is None:
            return False
        return hmac.compare_digest(offered.encode("utf-8"), self._token.encode("utf-8"))

    def retry(self, file_id: object) -> tuple[HTTPStatus, dict[str, Any]]:
        """Put back the quarantined file of the failure ``file_id`` (as the page lists it)."""
        if self._retry is None:
            return HTTPStatus.FORBIDDEN, {"error": "Retrying from the page is not enabled."}
        failures = self.publisher.latest().get("failures", [])
        match = next((f for f in failures if f["id"] == file_id and f["quarantined_at"]), None)
        if match is None:
            return HTTPStatus.NOT_FOUND, {"error": f"No quarantined failure with id {file_id!r} is listed."}
        try:
            restored = self._retry(Path(match["quarantined_at"]))
        except IngestError as exc:
            return HTTPStatus.CONFLICT, {"error": exc.message}
        log.info("Retry from the status page: %s (%d file(s) put back).", match["path"], restored)
        self.publisher.refresh()
        return HTTPStatus.OK, {"restored": restored, "path": match["path"]}


class _Httpd(ThreadingHTTPServer):
    daemon_threads = False  # server_close joins them: nothing outlives stop()
    block_on_close = True
    app: StatusServer


class _Handler(BaseHTTPRequestHandler):
    server: _Httpd
    server_version = "benchling-ingest"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("status page: %s", format % args)

    def do_GET(self) -> None:
        app = self.server.app
        path = self.path.split("?", 1)[0]
        if path in _STATIC:
            name, content_type = _STATIC[path]
            self._send(HTTPStatus.OK, resources.files("ingest.web").joinpath(name).read_bytes(), content_type)
        elif path == "/api/status":
            self._json(HTTPStatus.OK, app.status())
        elif path == "/healthz":
            health = judge(app.publisher.latest(), now=time.time(), refresh_seconds=app.publisher.interval)
            self._json(HTTPStatus.OK if health.ok else HTTPStatus.SERVICE_UNAVAILABLE, health.as_json())
        elif path == "/metrics":
            self._send(HTTPStatus.OK, app.metrics.exposition(), CONTENT_TYPE_LATEST)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "Not found."})

    def do_POST(self) -> None:
        app = self.server.app
        if self.path != "/api/retry":
            self._json(HTTPStatus.NOT_FOUND, {"error": "Not found."})
            return
        if not app.can_retry:
            self._json(HTTPStatus.FORBIDDEN, {"error": "The page is read-only: no token is configured."})
            return
        if not app.token_matches(self.headers.get("X-Ingest-Token")):
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "The token is missing or wrong."})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            self._json(
                HTTPStatus.BAD_REQUEST, {"error": f"Expected a JSON body of at most {MAX_BODY} bytes."}
            )
            return
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            self._json(HTTPStatus.BAD_REQUEST, {"error": 'Expected {"id": <failure id>}.'})
            return
        status, answer = app.retry(body["id"])
        self._json(status, answer)

    def _json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        text = json.dumps(without_secrets(json.loads(json.dumps(body, default=str))))
        self._send(status, text.encode("utf-8"), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in _SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
