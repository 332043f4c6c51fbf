"""The ``parsers`` package's public surface: every listed name resolves, lazily, and old import paths hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import parsers

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", parsers.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(parsers, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = parsers.no_such_name


def test_public_names_are_loaded_on_first_use_only() -> None:
    code = (
        "import sys, parsers; before = 'parsers._plugin.frames' in sys.modules; "
        "parsers.results_frame; print(before, 'parsers._plugin.frames' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "True"]


def test_import_paths_of_earlier_releases_give_the_same_objects() -> None:
    """Plugins written against ``parsers.base`` and ``parsers.decoding`` keep working unchanged."""
    from parsers import base, decoding

    assert base.results_frame is parsers.results_frame
    assert base.validate_parsed is parsers.validate_parsed
    assert base.empty_results is parsers.empty_results
    assert decoding.read_text is parsers.read_text
    assert decoding.parse_number is parsers.parse_number
