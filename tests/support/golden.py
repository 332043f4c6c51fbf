"""Golden files: compare a JSON-able value with a reviewed expected output; ``--overwrite`` rewrites it.

The expected files live beside the tests that use them (``tests/conformance/parsers/<format>/``). Run
pytest with ``--overwrite`` to (re)write them, then read the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def as_json_text(value: Any) -> str:
    """The stored form of ``value``: indented, keys sorted, non-ASCII kept, anything else as ``str``."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class Golden:
    """Checks values against expected JSON files; with ``overwrite`` it writes them instead."""

    def __init__(self, *, overwrite: bool) -> None:
        self.overwrite = overwrite

    def check(self, path: Path, value: Any) -> None:
        """Assert that ``value`` equals the JSON in ``path`` (a missing file fails unless overwriting)."""
        text = as_json_text(value)
        if self.overwrite:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run pytest with --overwrite and review it")
        expected = json.loads(path.read_text(encoding="utf-8"))
        actual = json.loads(text)
        assert actual == expected, f"output differs from golden file {path} (pytest --overwrite rewrites it)"
