"""Fixtures of the reliability suite (defined in ``harness.py`` beside the helpers they share)."""

from __future__ import annotations

from reliability.harness import map_without_png, sandbox

__all__ = ["map_without_png", "sandbox"]
