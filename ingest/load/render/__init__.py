"""Chromatogram rendering: traces reduced to the pixels drawn, drawn on a fixed layout, in a process pool."""

from __future__ import annotations
