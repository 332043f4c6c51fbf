"""``POST /token``: OAuth2 client credentials, with OAuth's own error shapes."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.sandbox.auth import decode_basic
from ingest.sandbox.envelopes import oauth_error
from ingest.sandbox.routes.inputs import read_body, sandbox


async def issue_token(request: Request) -> JSONResponse:
    state = sandbox(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise oauth_error(
            400,
            "invalid_request",
            f"The token request must be form-encoded, got content type '{content_type}'.",
        )
    raw = await read_body(request)
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise oauth_error(400, "invalid_request", "The token request is missing grant_type.")
    if grant_type != "client_credentials":
        raise oauth_error(
            400,
            "unsupported_grant_type",
            f"grant_type '{grant_type}' is not supported; use client_credentials.",
        )
    client_id, secret = form.get("client_id"), form.get("client_secret")
    authorization = request.headers.get("authorization")
    if authorization:
        pair = decode_basic(authorization)
        if pair is None:
            raise oauth_error(
                401, "invalid_client", "The Basic authorization header of the token request is malformed."
            )
        client_id, secret = pair
    if not client_id or secret is None:
        raise oauth_error(
            400,
            "invalid_request",
            "The token request needs client_id and client_secret (Basic auth or form fields).",
        )
    if not state.tokens.client_is_valid(client_id, secret):
        raise oauth_error(401, "invalid_client", "The client id or client secret is not valid.")
    token = state.tokens.issue(client_id)
    return JSONResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": state.tokens.ttl_seconds},
        headers={"cache-control": "no-store"},
    )


ROUTES = [Route("/api/v2/token", issue_token, methods=["POST"])]
