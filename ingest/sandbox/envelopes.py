"""Benchling's error envelopes, raised as ``ApiError`` by routes and rendered once by the app."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error answer: HTTP status plus the exact JSON body Benchling would send."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def error_body(message: str, *, error_type: str = "invalid_request_error", **extra: Any) -> dict[str, Any]:
    return {"error": {"type": error_type, "message": message, "userMessage": message, **extra}}


def bad_request(message: str, **extra: Any) -> ApiError:
    return ApiError(400, error_body(message, **extra))


def bulk_bad_request(message: str, errors: list[dict[str, Any]]) -> ApiError:
    """BadRequestErrorBulk: one ``{index, message}`` per rejected item."""
    return ApiError(400, error_body(message, errors=errors))


def not_found(kind: str, object_id: str, *, status: int = 404) -> ApiError:
    """An unknown id: 404 NotFoundError where the spec documents 404 for the endpoint, else 400."""
    return ApiError(status, error_body(f"{kind} '{object_id}' was not found.", invalidId=object_id))


def conflict(kind: str, ids: list[str]) -> ApiError:
    """ConflictError: objects with these ids already exist (``duplicate_id=conflict_409``)."""
    message = f"{kind} with these ids already exist: {', '.join(ids)}."
    return ApiError(409, error_body(message, conflicts=[{"id": i} for i in ids]))


def unauthorized(message: str) -> ApiError:
    return ApiError(401, error_body(message))


def payload_too_large(limit: int) -> ApiError:
    return ApiError(413, error_body(f"The request body is larger than the limit of {limit} bytes."))


def rate_limited() -> ApiError:
    return ApiError(429, error_body("Rate limit exceeded."))


def unavailable(status: int, message: str) -> ApiError:
    return ApiError(status, error_body(message, error_type="server_error"))


def oauth_error(status: int, error_type: str, message: str) -> ApiError:
    return ApiError(status, error_body(message, error_type=error_type))
