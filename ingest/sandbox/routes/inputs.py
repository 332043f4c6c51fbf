"""Reading request inputs strictly: size-limited JSON bodies and comma-separated id lists."""

from __future__ import annotations

import json
from typing import Any, cast

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request

from ingest.sandbox.envelopes import bad_request, payload_too_large
from ingest.sandbox.state import SandboxState


class _IdConvertor(Convertor[str]):
    """Path ids stop at '/' and ':' so ``/blobs/{id}:complete-upload`` routes apart from ``/blobs/{id}``."""

    regex = "[^/:]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("id", _IdConvertor())


def sandbox(request: Request) -> SandboxState:
    return cast(SandboxState, request.app.state.sandbox)


async def read_body(request: Request) -> bytes:
    """The raw body, refusing (413) anything over the limit by Content-Length and while streaming."""
    limit = sandbox(request).config.limits.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise payload_too_large(limit)
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise payload_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The body as a JSON object; 400 naming the problem otherwise."""
    body = await read_body(request)
    if not body.strip():
        if allow_empty:
            return {}
        raise bad_request(
            f"{request.method} {request.url.path} needs a JSON object body; the body was empty."
        )
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(parsed, dict):
        raise bad_request(f"The request body must be a JSON object, got {type(parsed).__name__}.")
    return parsed


def reject_unknown_keys(body: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"{where} has unknown keys {unknown}; allowed keys are {sorted(allowed)}.")


def comma_list(
    request: Request, name: str, *, required: bool = False, max_items: int | None = None
) -> list[str]:
    """A comma-separated query parameter as a list (empty items dropped)."""
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise bad_request(f"Query parameter {name} is required (a comma-separated list of ids).")
        return []
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if max_items is not None and len(items) > max_items:
        raise bad_request(
            f"Query parameter {name} has {len(items)} ids; at most {max_items} are allowed per call."
        )
    return items


def string_list(body: dict[str, Any], key: str, where: str) -> list[str]:
    value = body.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise bad_request(f"{where}.{key} must be a non-empty list of id strings, got {json.dumps(value)}.")
    return cast(list[str], value)
