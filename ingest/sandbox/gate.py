"""The ASGI layer in front of every ``/api/v2`` route: faults, authentication, rate limit, request log.

Order per request: maintenance window and fault rules (as infrastructure would fail, before anything
else), then authentication (``/token`` excepted), then the rate limit (budgets per ``rate_limit_scope``;
failed authentications count against an anonymous budget), then the hourly cap on result writes
(``results_cap_covers``), then the ``page_token_expiry`` refusal of a listing's ``nextToken``, then the
route. Rate-limit headers go on every ``/api/v2`` response, errors included.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.sandbox.auth import authenticate
from ingest.sandbox.envelopes import ApiError, rate_limited, unavailable
from ingest.sandbox.faults import FaultDecision
from ingest.sandbox.rate_limit import ANONYMOUS_CALLER, Caller, RateDecision
from ingest.sandbox.state import SandboxState

API_PREFIX = "/api/v2"
#: ASGI scope extension holding a callable that closes the client connection (set by the server).
CLOSE_CONNECTION_EXTENSION = "benchling_sandbox.close_connection"
_UNGATED_AUTH = {f"{API_PREFIX}/token"}
_RESULTS_POST = f"{API_PREFIX}/assay-results"
# Under results_cap_covers=all_result_writes these count against the hourly cap too.
_OTHER_RESULT_WRITES = re.compile(
    rf"^{re.escape(API_PREFIX)}/(assay-results:bulk-create|result-transactions/[^/:]+/results)$"
)


class ConnectionDropped(Exception):
    """Raised when a ``drop`` fault fires and there is no socket to close (in-process use)."""


class Gate:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        arrived_at = time.time()
        method: str = scope["method"]
        path: str = scope["path"]
        state = self.state
        status_seen: list[int] = []

        decision = self._fault_for(method, path)
        if decision.latency > 0:
            # A slow answer, not a slow upload: the request is received whole first, so a client that
            # gives up waiting still leaves it processed, as a slow server would.
            receive = await _received_whole(receive)
            await state.clock.sleep(decision.latency)
        if decision.outcome == "drop":
            state.request_log.record(method, path, 0, arrived_at=arrived_at)
            await _drop_connection(scope)
            return

        rate: RateDecision | None = None
        try:
            maintenance_left = state.faults.in_maintenance(state.clock.monotonic())
            if maintenance_left > 0:
                raise ApiError(
                    503,
                    {
                        "error": {
                            "type": "server_error",
                            "message": (
                                f"Benchling is down for maintenance for {math.ceil(maintenance_left)} s."
                            ),
                            "userMessage": "Benchling is down for scheduled maintenance.",
                        }
                    },
                )
            if decision.outcome in ("429", "500", "502", "503"):
                raise _injected(int(decision.outcome))
            caller = ANONYMOUS_CALLER
            auth_error: ApiError | None = None
            if path not in _UNGATED_AUTH:
                try:
                    credential = authenticate(_header(scope, b"authorization"), state.api_keys, state.tokens)
                    caller = Caller(credential.kind, credential.key)
                except ApiError as exc:
                    auth_error = exc
            rate = state.rate_limiter.hit(caller)
            if not rate.allowed:
                raise rate_limited()
            if auth_error is not None:
                raise auth_error
            if _counts_against_results_cap(state, method, path) and not state.results_cap.hit():
                raise rate_limited()
            state.page_tokens.check(method, scope.get("query_string", b""))
        except ApiError as exc:
            headers = (rate or state.rate_limiter.peek()).headers()
            # Logged before the answer leaves: a client that has its answer finds its request logged.
            state.request_log.record(method, path, exc.status, arrived_at=arrived_at)
            await _send_error(send, exc, headers, status_seen)
            return

        rate_headers = rate.headers() if _carries_rate_headers(state, method, path) else {}
        logged = False

        async def send_with_headers(message: Message) -> None:
            nonlocal logged
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in rate_headers.items()]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                logged = True  # before the last of the answer leaves (see above)
                state.request_log.record(
                    method, path, status_seen[0] if status_seen else 0, arrived_at=arrived_at
                )
            await send(message)

        if decision.outcome == "commit_then_502":
            # The write happens, the answer is lost: the client must check before retrying.
            await self.app(scope, receive, _discard)
            state.request_log.record(method, path, 502, arrived_at=arrived_at)
            await _send_error(send, _injected(502), rate_headers, status_seen)
            return
        await self.app(scope, receive, send_with_headers)
        if not logged:
            state.request_log.record(
                method, path, status_seen[0] if status_seen else 0, arrived_at=arrived_at
            )

    def _fault_for(self, method: str, path: str) -> FaultDecision:
        return self.state.faults.decide(method, path.removeprefix(API_PREFIX) or "/")


def _counts_against_results_cap(state: SandboxState, method: str, path: str) -> bool:
    if method != "POST":
        return False
    if path == _RESULTS_POST:
        return True
    return state.variants.results_cap_covers == "all_result_writes" and bool(_OTHER_RESULT_WRITES.match(path))


def _injected(status: int) -> ApiError:
    if status == 429:
        return rate_limited()
    reason = {500: "Internal server error.", 502: "Bad gateway.", 503: "Service unavailable."}[status]
    return unavailable(status, f"{reason} (injected by the sandbox fault configuration)")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_error(send: Send, error: ApiError, headers: dict[str, str], status_seen: list[int]) -> None:
    body = json.dumps(error.body).encode()
    all_headers = {
        **headers,
        **error.headers,
        "content-type": "application/json",
        "content-length": str(len(body)),
    }
    status_seen.append(error.status)
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [(k.encode(), v.encode()) for k, v in all_headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _received_whole(receive: Receive) -> Receive:
    """Read the request body now; the returned ``receive`` replays it, then defers to the original."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay


async def _discard(message: Message) -> None:
    return None


async def _drop_connection(scope: Scope) -> None:
    close = scope.get("extensions", {}).get(CLOSE_CONNECTION_EXTENSION)
    if close is None:
        raise ConnectionDropped("The sandbox dropped the connection (fault injection).")
    close()
    # Let connection_lost run so uvicorn sees the disconnect instead of writing a 500.
    for _ in range(3):
        await asyncio.sleep(0)


def _carries_rate_headers(state: SandboxState, method: str, path: str) -> bool:
    """Whether a successful answer carries the rate headers (a 429 always does)."""
    if state.variants.rate_headers == "every_response":
        return True
    # The spec lists the headers on the list endpoints: a GET of a collection, /api/v2/<collection>.
    return method == "GET" and "/" not in path.removeprefix(API_PREFIX).strip("/")
