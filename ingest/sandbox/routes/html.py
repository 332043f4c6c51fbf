"""The read-only overview page at ``/`` (no auth: the sandbox is local): runs, results, blobs, images."""

from __future__ import annotations

import html
import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ingest.sandbox.routes.blobs import sign_download
from ingest.sandbox.routes.inputs import sandbox
from ingest.sandbox.state import SandboxState

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}img{max-width:640px;display:block}"
)


def _download_link(state: SandboxState, blob_id: str) -> str:
    expires = math.floor(state.clock.wall()) + state.config.download_url_ttl_seconds
    return (
        f"/sandbox-downloads/{blob_id}?expires={expires}&signature={sign_download(state, blob_id, expires)}"
    )


def _field_table(fields: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(str(f.get('displayValue') or ''))}</td></tr>"
        for name, f in fields.items()
    )
    return f"<table>{rows}</table>"


def _results_table(results: list[dict[str, Any]]) -> str:
    if not results:
        return "<p>No results.</p>"
    names = list(results[0]["fields"])
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(r['fields'][n]['displayValue'] or ''))}</td>" for n in names)
        + "</tr>"
        for r in results
    )
    return f"<table><tr>{head}</tr>{rows}</table>"


async def overview(request: Request) -> HTMLResponse:
    state = sandbox(request)
    blobs = {b["id"]: b for b in state.store.blobs()}
    parts = [f"<html><head><title>Benchling sandbox</title><style>{_STYLE}</style></head><body>"]
    parts.append("<h1>Benchling sandbox</h1>")
    runs = state.store.runs()
    parts.append(
        f"<p>{len(runs)} runs, {len(state.store.results())} committed results, {len(blobs)} blobs.</p>"
    )
    for run in runs:
        parts.append(f"<h2>Run {html.escape(run['id'])} ({html.escape(run['schema']['name'])})</h2>")
        parts.append(_field_table(run["fields"]))
        for field in run["fields"].values():
            blob = blobs.get(field["value"]) if field["type"] == "blob_link" and field["value"] else None
            if blob is None or blob["uploadStatus"] != "COMPLETE":
                continue
            link = html.escape(_download_link(state, blob["id"]))
            if blob["type"] == "VISUALIZATION":
                parts.append(f'<img src="{link}" alt="{html.escape(blob["name"])}">')
            else:
                parts.append(f'<p>File: <a href="{link}">{html.escape(blob["name"])}</a></p>')
        parts.append(_results_table(state.store.results(run["id"])))
    parts.append("<h2>Blobs</h2><pre>" + html.escape(json.dumps(list(blobs.values()), indent=1)) + "</pre>")
    parts.append("</body></html>")
    return HTMLResponse("".join(parts))


ROUTES = [Route("/", overview, methods=["GET"])]
