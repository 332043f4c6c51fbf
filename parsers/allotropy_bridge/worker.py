"""The allotropy worker: converts one instrument file to ASM JSON, in whichever environment has allotropy.

This file imports only the standard library and allotropy, so it runs under any interpreter that has
allotropy installed, including one of a separate virtualenv that has none of benchling-ingest's
dependencies. The bridge runs it as a script (``python worker.py``) and keeps it running (importing
allotropy takes seconds): each line written to its standard input is one JSON request, answered by one
JSON line on its standard output:

- ``{"op": "convert", "path": "...", "vendor": "MOLDEV_SOFTMAX_PRO", "encoding": null}`` -> ``{"ok": true,
  "asm": {...},
  "allotropy_version": "0.1.150"}`` (``encoding``: the file's, when a byte-order mark tells it)
  or ``{"ok": false, "error": "<allotropy exception class>", "message": "..."}``
- ``{"op": "vendors"}`` -> ``{"ok": true, "allotropy_version": "...", "vendors": [{"vendor", "display_name",
  "extensions", "technique", "release_state"}, ...]}`` (what ``vendors.py`` is checked against)

Anything allotropy prints goes to standard error, never into the answer.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def _convert(path: str, vendor: str, encoding: str | None) -> dict[str, Any]:
    from allotropy.parser_factory import Vendor  # type: ignore[import-not-found]  # the worker's env only
    from allotropy.to_allotrope import allotrope_from_file  # type: ignore[import-not-found]

    asm: dict[str, Any] = allotrope_from_file(path, Vendor[vendor], encoding=encoding)
    return {"ok": True, "asm": asm, "allotropy_version": _version()}


def _version() -> str:
    from importlib.metadata import version

    return version("allotropy")


def _vendors() -> dict[str, Any]:
    from allotropy.parser_factory import Vendor

    listed = []
    for vendor in Vendor:
        listed.append(
            {
                "vendor": vendor.name,
                "display_name": vendor.display_name,
                "extensions": vendor.supported_extensions,
                "technique": vendor.technique,
                "release_state": str(vendor.release_state.value),
            }
        )
    return {"ok": True, "allotropy_version": _version(), "vendors": listed}


def _finite(value: Any) -> Any:
    # ASM values are JSON numbers; NaN and infinities (json.dumps would write bare words) become null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one request; every allotropy failure becomes ``ok: false`` with its class and message."""
    try:
        if request.get("op") == "vendors":
            return _vendors()
        if request.get("op") == "convert":
            return _convert(str(request["path"]), str(request["vendor"]), request.get("encoding"))
        return {"ok": False, "error": "BadRequest", "message": f"unknown op {request.get('op')!r}"}
    except ImportError as exc:
        return {"ok": False, "error": "AllotropyMissing", "message": str(exc)}
    except Exception as exc:  # the bridge reports every failure as the file's parse error
        return {"ok": False, "error": type(exc).__name__, "message": str(exc)}


def main() -> int:
    """Answer one JSON request per input line, one JSON line each, until the input ends."""
    protocol = sys.stdout
    sys.stdout = sys.stderr  # allotropy's prints must not corrupt the answers
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            reply: dict[str, Any] = {"ok": False, "error": "BadRequest", "message": str(exc)}
        else:
            reply = answer(request)
        protocol.write(json.dumps(_finite(reply), ensure_ascii=False, allow_nan=False) + "\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
