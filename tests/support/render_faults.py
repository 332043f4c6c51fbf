"""Drawing functions for render-pool fault tests (module-level: the pool sends them to its workers).
Each misbehaves only for a request titled "fault" and draws every other request normally."""

from __future__ import annotations

import os
import threading

from ingest.load.render.drawing import draw_png
from ingest.load.render.request import RenderRequest


def never_finishes(request: RenderRequest) -> bytes:
    if request.title == "fault":
        threading.Event().wait()
    return draw_png(request)


def process_dies(request: RenderRequest) -> bytes:
    if request.title == "fault":
        os._exit(3)
    return draw_png(request)


def raises(request: RenderRequest) -> bytes:
    if request.title == "fault":
        raise ValueError("cannot draw this")
    return draw_png(request)
