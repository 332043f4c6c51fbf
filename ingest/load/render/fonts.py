"""The chromatogram's font: DejaVu Sans as bundled with matplotlib, found without importing matplotlib
(its import costs more than a whole render) and without a system font lookup, so every host draws the
same glyphs. Loaded once per thread and size: FreeType's faces are not to be shared between threads."""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path

from PIL import ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

#: Where matplotlib keeps DejaVu Sans, below its package folder.
_BUNDLED = Path("mpl-data", "fonts", "ttf", "DejaVuSans.ttf")


@functools.cache
def bundled_font_path() -> Path | None:
    """The bundled TrueType file, or None when matplotlib (or its font) is not installed."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(folder) / _BUNDLED
        if candidate.is_file():
            return candidate
    return None


_loaded = threading.local()


def font(size_px: int) -> Font:
    """The font at ``size_px`` pixels: the bundled TrueType font, else Pillow's built-in one."""
    fonts: dict[int, Font] = _loaded.__dict__.setdefault("fonts", {})
    if size_px not in fonts:
        fonts[size_px] = _load(size_px)
    return fonts[size_px]


def _load(size_px: int) -> Font:
    path = bundled_font_path()
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size_px)
        except OSError:
            pass  # a damaged font file: the built-in font still draws readable text
    return ImageFont.load_default(size_px)
