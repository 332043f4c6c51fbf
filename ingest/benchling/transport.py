"""The one place that sends HTTP: authentication, rate limiting, retries, error mapping, counters."""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx
import tenacity

from ingest.benchling.auth import AccessToken, Authenticator, authenticator_for
from ingest.benchling.budget import RequestBudget
from ingest.benchling.connections import DEFAULT_MAX_CONNECTIONS, environment_proxy, http_transport
from ingest.benchling.credentials import ClientCredentials, Credentials
from ingest.benchling.error_mapping import error_from_exception, error_from_response
from ingest.benchling.hourly_pacer import HourlyPacer
from ingest.benchling.limiter import RateLimitHeaders
from ingest.benchling.retry_policy import RetryBudget, RetryPolicy, is_safe_to_retry
from ingest.benchling.stats import StatsRecorder
from ingest.errors import BenchlingAuthError

log = logging.getLogger("ingest.benchling")

API_PREFIX = "/api/v2"


def api_url(base_url: str) -> str:
    """``https://tenant.benchling.com`` (or one already ending in ``/api/v2``) → the API root."""
    root = base_url.rstrip("/")
    if root.endswith(API_PREFIX):
        root = root[: -len(API_PREFIX)]
    return root + API_PREFIX


class ApiTransport:
    """Sends requests to ``<base_url>/api/v2``; thread-safe; shared by every endpoint group."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        limiter: RequestBudget,
        policy: RetryPolicy,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        stats: StatsRecorder,
        timeout: httpx.Timeout,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        pacers: Mapping[tuple[str, str], HourlyPacer] | None = None,
    ) -> None:
        self._limiter = limiter
        # Endpoints with a cap of their own (method, path template) → its pacer; every send counts.
        self._pacers = dict(pacers or {})
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._stats = stats
        self._http = httpx.Client(
            base_url=api_url(base_url),
            transport=transport
            if transport is not None
            else http_transport(max_connections, environment_proxy(api_url(base_url))),
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": "benchling-ingest/0.1", "Accept": "application/json"},
        )
        self._auth: Authenticator = authenticator_for(credentials, self._fetch_token, clock)
        self._rate_seen: RateLimitHeaders | None = None
        #: Whether any answer ever came back: until then a failure to connect is not transient.
        self._answered = False

    def __repr__(self) -> str:
        return f"ApiTransport(url={str(self._http.base_url)!r}, auth={self._auth!r})"

    @property
    def policy(self) -> RetryPolicy:
        return self._policy

    @property
    def stats(self) -> StatsRecorder:
        return self._stats

    def sleep(self, seconds: float) -> None:
        """Wait through the injected sleep (a caller's own backoff between sends)."""
        self._sleep(seconds)

    @property
    def rate_limit_seen(self) -> RateLimitHeaders | None:
        """The rate-limit headers of the latest answer that carried them (None before any)."""
        return self._rate_seen

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        content: bytes | None = None,
        write: bool = False,
        ok: Collection[int] = (200,),
    ) -> httpx.Response:
        """Send one logical request and return its successful response.

        Reads (and writes that failed before reaching the server, or drew a 429) are retried with
        backoff per the policy. A write that failed after it may have been stored raises
        ``AmbiguousWriteError``: the caller checks by id before sending again.
        """
        path = template.format(**{k: quote(v, safe="") for k, v in (path_params or {}).items()})
        payload = _Payload(content if content is not None else (None if json is None else _dump(json)))
        retrying = self._retrying()
        try:
            response: httpx.Response = retrying(
                self._send_authenticated, method, template, path, params, payload, write, frozenset(ok)
            )
        finally:
            # tenacity's call state forms reference cycles that only the cyclic GC frees; dropping the
            # body here keeps a multipart upload's memory bounded by one part.
            payload.data = None
        return response

    def _retrying(self) -> tenacity.Retrying:
        """Retries of calls that are safe to repeat, within one fresh budget of the policy."""
        budget = RetryBudget(self._policy, self._clock)
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_safe_to_retry),
            stop=budget.should_stop,
            wait=budget.wait_seconds,
            sleep=self._sleep,
            before_sleep=self._note_retry,
            reraise=True,
        )

    def _note_retry(self, state: tenacity.RetryCallState) -> None:
        self._stats.retry()
        exc = state.outcome.exception() if state.outcome else None
        log.info("Retrying after attempt %d: %s", state.attempt_number, exc)

    def _send_authenticated(
        self,
        method: str,
        template: str,
        path: str,
        params: Mapping[str, str | int] | None,
        payload: _Payload,
        write: bool,
        ok: frozenset[int],
    ) -> httpx.Response:
        response = self._send_once(method, template, path, params, payload, self._auth.header(), write)
        if response.status_code == 401 and self._auth.invalidate():
            # An OAuth token can be revoked or expire early: fetch a new one and try exactly once more.
            response = self._send_once(method, template, path, params, payload, self._auth.header(), write)
        if response.status_code not in ok:
            raise error_from_response(response, method=method, path=template, write=write)
        return response

    def _send_once(
        self,
        method: str,
        template: str,
        path: str,
        params: Mapping[str, str | int] | None,
        payload: _Payload,
        authorization: str,
        write: bool,
        content_type: str = "application/json",
    ) -> httpx.Response:
        headers = {"Authorization": authorization}
        if payload.data is not None:
            headers["Content-Type"] = content_type
        pacer = self._pacers.get((method, template))
        if pacer is not None:
            pacer.acquire()
        slot = self._limiter.acquire()
        endpoint = f"{method} {template}"
        self._stats.request(endpoint, len(payload.data) if payload.data else 0)
        content: Iterator[bytes] | None = None
        if payload.data is not None:
            # A one-shot generator rather than bytes: httpx keeps each response and its request in a
            # reference cycle, and with bytes that cycle would hold every blob part until a GC pass.
            headers["Content-Length"] = str(len(payload.data))
            content = payload.chunks()
        try:
            response = self._http.request(method, path, params=params, content=content, headers=headers)
        except httpx.HTTPError as exc:
            slot.release()
            self._stats.response(endpoint, None)
            log.debug("%s failed: %s", endpoint, type(exc).__name__)
            never_reached = None if self._answered else _server_address(self._http.base_url)
            raise error_from_exception(
                exc, method=method, path=template, write=write, never_reached=never_reached
            ) from exc
        self._answered = True
        rate_limited = response.status_code == 429
        self._stats.response(endpoint, response.status_code)
        slot.release(response.headers, rate_limited=rate_limited)
        seen = RateLimitHeaders.from_headers(response.headers)
        if seen is not None:
            self._rate_seen = seen
        if rate_limited:
            self._stats.rate_limited()
        log.debug("%s -> %d", endpoint, response.status_code)
        return response

    def _fetch_token(self, credentials: ClientCredentials) -> AccessToken:
        body = _Payload(b"grant_type=client_credentials")
        template = "/token"

        def fetch_once() -> httpx.Response:
            response = self._send_once(
                "POST",
                template,
                template,
                None,
                body,
                credentials.basic_header(),
                False,
                content_type="application/x-www-form-urlencoded",
            )
            if response.status_code != 200:
                error = error_from_response(response, method="POST", path=template, write=False)
                if response.status_code in (400, 401):
                    raise BenchlingAuthError(
                        f"Benchling refused the OAuth client {credentials.client_id!r} at POST {template} "
                        f"with {response.status_code} ({error.error_type}); expected a valid client id "
                        "and secret.",
                        method="POST",
                        path=template,
                        status=response.status_code,
                        error_type=error.error_type,
                        benchling_message=error.benchling_message,
                    ) from None
                raise error
            return response

        retrying = self._retrying()
        response: httpx.Response = retrying(fetch_once)
        try:
            return AccessToken.model_validate(response.json())
        except ValueError:
            # ``from None``: a validation error would quote the response body, token included.
            raise BenchlingAuthError(
                "Benchling's token endpoint answered POST /token without a usable token; expected "
                "access_token, token_type and expires_in.",
                method="POST",
                path=template,
                status=response.status_code,
            ) from None


class _Payload:
    """A request body that can be dropped as soon as the request is done (see ``request``)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | None) -> None:
        self.data = data

    def chunks(self) -> Iterator[bytes]:
        data = self.data
        if data is not None:
            yield data


def _server_address(url: httpx.URL) -> str:
    """``scheme://host[:port]``: what may be shown of the URL (no user info, path or query)."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}"


def _dump(value: Any) -> bytes:
    return jsonlib.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
