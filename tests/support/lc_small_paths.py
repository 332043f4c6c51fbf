"""Checking lc_results_csv's small path against the ordinary one: same ParsedFile, or the same refusal."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers.lc_results_csv.parser import LcResultsCsvParser
from parsers.lc_results_csv.small_path import parse_small
from tests.support.lc_paths import view

#: Larger than any file the tests hand over: every file the small path can split is read by it.
FORCE_SMALL = 1 << 24


def outcome(path: Path, hints: ParseHints, *, small: bool) -> tuple[ParsedFile | ParseError, list[str]]:
    """What the parser gives (or refuses) with the small path forced on or off, and what it warned of."""
    parser = LcResultsCsvParser(small_bytes=FORCE_SMALL if small else 0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: ParsedFile | ParseError = parser.parse(path, hints=hints)
        except ParseError as exc:
            result = exc
    return result, [str(w.message) for w in caught]


def assert_small_path_agrees(path: Path, hints: ParseHints | None = None) -> bool:
    """Assert both paths give the same ParsedFile (results to the dtype and bit, metadata, traces,
    attachments, warnings, provenance) or the same ParseError (type, message, context), and warn alike;
    True when the small path read the file itself (rather than handing it on)."""
    hints = hints or ParseHints()
    small, small_warned = outcome(path, hints, small=True)
    ordinary, ordinary_warned = outcome(path, hints, small=False)
    assert small_warned == ordinary_warned
    if isinstance(ordinary, ParseError):
        assert isinstance(small, ParseError), f"{path.name}: the small path read what the ordinary refuses"
        assert type(small) is type(ordinary)
        assert (small.message, small.context) == (ordinary.message, ordinary.context)
        return False
    assert isinstance(small, ParsedFile), f"{path.name}: the small path refused: {small}"
    pd.testing.assert_frame_equal(small.results, ordinary.results, check_exact=True)
    assert view(small) == view(ordinary)
    # Equal is not enough for metadata: 1 == 1.0 and 0.0 == -0.0; the types, signs and order must match too.
    assert [(k, type(v), repr(v)) for k, v in small.metadata.items()] == [
        (k, type(v), repr(v)) for k, v in ordinary.metadata.items()
    ]
    return parse_small(path, hints, parser="lc_results_csv", version="1.1", limit=FORCE_SMALL) is not None
