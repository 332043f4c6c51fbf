"""Test data pairs written in this repository: an export and, beside it, its expected parse output.

A format's ``tests/conformance/parsers/<format>/testdata/`` holds inputs (files, or folder units such as
ChemStation ``.D`` folders) and, for each, ``<input name>.expected.json``. Files an input refers to (a
trace file named in an LC results CSV) are companions: the test names them, and they are not inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from parsers import discover_parsers
from tests.support.golden import Golden
from tests.support.parser_snapshots import full_snapshot

EXPECTED_SUFFIX = ".expected.json"


def pair_inputs(folder: Path, *, companions: Iterable[str] = ()) -> list[Path]:
    """The inputs of a testdata folder: every entry but expected outputs and ``companions`` (globs)."""
    skipped = {path for pattern in companions for path in folder.glob(pattern)}
    return sorted(
        path for path in folder.iterdir() if not path.name.endswith(EXPECTED_SUFFIX) and path not in skipped
    )


def expected_output(path: Path) -> Path:
    """Where the expected parse output of ``path`` is kept."""
    return path.with_name(path.name + EXPECTED_SUFFIX)


def check_pair(path: Path, parser_name: str, golden: Golden) -> None:
    """Parse ``path`` as the pipeline does (every installed parser is asked; exactly ``parser_name`` must
    claim it) and compare the whole output with its expected file."""
    parsed = discover_parsers().parse(path)
    assert parsed.provenance.parser == parser_name
    golden.check(expected_output(path), full_snapshot(parsed))


def pytest_params(paths: list[Path]) -> list[object]:
    """``paths`` as pytest parameters with the file names as ids."""
    return [pytest.param(path, id=path.name) for path in paths]
