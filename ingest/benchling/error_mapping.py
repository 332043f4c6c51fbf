"""Maps HTTP answers and network failures to ``ingest.errors`` types, once, at the transport boundary.

Errors carry method, path *template*, status, Benchling's error type and message; never a header,
a query string or a credential.
"""

from __future__ import annotations

from typing import Any

import httpx

from ingest.benchling.retry_after import retry_after_seconds
from ingest.errors import (
    AmbiguousWriteError,
    BenchlingAuthError,
    BenchlingError,
    BenchlingNotFoundError,
    BenchlingRejectedError,
    BenchlingUnavailableError,
    BenchlingUnreachableError,
    RateLimitedError,
)

# Failures that happen before any byte of the request reached the server: safe to resend a create.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# No connection could be made at all: refused, no such host, nothing answering within the timeout.
_NO_CONNECTION = (httpx.ConnectError, httpx.ConnectTimeout)


def benchling_error_details(response: httpx.Response) -> tuple[str | None, str | None, dict[str, Any]]:
    """(error type, message, extra fields) from any of Benchling's error envelopes."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return None, (text[:300] or None), {}
    if not isinstance(body, dict):
        return None, None, {}
    error = body.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("userMessage")
        extra = {k: error[k] for k in ("invalidId", "invalidIds", "errors", "conflicts") if k in error}
        # The spec's ListingError puts invalidIds next to "error", not inside it.
        if "invalidIds" not in extra and isinstance(body.get("invalidIds"), list):
            extra["invalidIds"] = body["invalidIds"]
        return _str_or_none(error.get("type")), _str_or_none(message), extra
    if isinstance(error, str):  # RFC 6749 form of OAuth errors
        return error, _str_or_none(body.get("error_description")), {}
    errors = body.get("errors")
    if isinstance(errors, list):  # POST /assay-runs and transaction results: {"errors": [{fields, global}]}
        return "invalid_request_error", _describe_bulk_errors(errors), {"errors": errors}
    return None, None, {}


def _describe_bulk_errors(errors: list[Any]) -> str:
    parts: list[str] = []
    for index, item in enumerate(errors):
        if not isinstance(item, dict):
            continue
        for text in item.get("global") or []:
            parts.append(f"item {index}: {text}")
        fields = item.get("fields") or {}
        if isinstance(fields, dict):
            for name, problem in fields.items():
                detail = problem.get("message", problem) if isinstance(problem, dict) else problem
                parts.append(f"item {index} field {name!r}: {detail}")
    return "; ".join(parts) if parts else "the request was rejected without details"


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def error_from_response(response: httpx.Response, *, method: str, path: str, write: bool) -> BenchlingError:
    """The error for a non-2xx answer. ``write`` marks creates, where a 5xx leaves the outcome unknown."""
    status = response.status_code
    error_type, message, extra = benchling_error_details(response)
    said = f": {message}" if message else ""
    kind = f" ({error_type})" if error_type else ""
    common: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "error_type": error_type,
        "benchling_message": message,
        **extra,
    }
    retry_after = retry_after_seconds(response.headers)
    if retry_after is not None:
        common["retry_after_seconds"] = retry_after
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset") or response.headers.get("x-ratelimit-reset")
        wait = _rate_limit_wait(reset, retry_after)
        return RateLimitedError(
            f"Benchling rate limit exceeded on {method} {path} (429){said}; {wait}",
            reset_seconds=reset,
            **common,
        )
    if status in (401, 403):
        return BenchlingAuthError(
            f"Benchling refused the credentials for {method} {path} with {status}{kind}{said}; expected a "
            "valid API key or OAuth client with access to this tenant.",
            **common,
        )
    if status == 404:
        return BenchlingNotFoundError(
            f"Benchling has no object at {method} {path} (404){kind}{said}.", **common
        )
    if status >= 500 or status == 408:
        if write:
            return AmbiguousWriteError(
                f"Benchling answered {method} {path} with {status}{said}; the create may or may not have "
                "been stored, so it must be checked before it is sent again.",
                **common,
            )
        return BenchlingUnavailableError(
            f"Benchling is unavailable for {method} {path} ({status}){said}; expected a 2xx answer.",
            **common,
        )
    return BenchlingRejectedError(
        f"Benchling rejected {method} {path} with {status}{kind}{said}.",
        **common,
    )


def _rate_limit_wait(reset: str | None, retry_after: float | None) -> str:
    """What the client waits after a 429, as the end of a sentence."""
    waits = []
    if reset:
        waits.append(f"{reset} seconds (x-rate-limit-reset)")
    if retry_after is not None:
        waits.append(f"{retry_after:g} seconds (Retry-After)")
    if not waits:
        return (
            "Benchling said neither when the limit resets nor when to retry, so the client waits one "
            "rate-limit window before the next request."
        )
    return f"the client waits at least {' and '.join(waits)} before the next request."


def error_from_exception(
    exc: httpx.HTTPError, *, method: str, path: str, write: bool, never_reached: str | None = None
) -> BenchlingError:
    """The error for a timeout or network failure (never carries the request's headers).

    ``never_reached``: the server's address (scheme, host, port) when this client has never had an
    answer from it; a failure to connect is then ``BenchlingUnreachableError``, reported at once.
    """
    what = type(exc).__name__
    common: dict[str, Any] = {"method": method, "path": path, "network_error": what}
    if never_reached is not None and isinstance(exc, _NO_CONNECTION):
        reason = str(exc) or what
        return BenchlingUnreachableError(
            f"Benchling at {never_reached} could not be reached ({what}: {reason}) for {method} {path}; "
            "expected a server answering at BENCHLING_URL. Check the URL, the network and any proxy.",
            url=never_reached,
            reason=reason,
            **common,
        )
    if write and not isinstance(exc, _NOT_SENT):
        return AmbiguousWriteError(
            f"{method} {path} failed with {what} after the request was sent; the create may or may not "
            "have been stored, so it must be checked before it is sent again.",
            **common,
        )
    return BenchlingUnavailableError(
        f"{method} {path} could not reach Benchling ({what}); expected an answer within the timeout.",
        **common,
    )
