"""Checking lc_results_csv's fast path against its general path: same output, or the same refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ingest.errors import ParseError
from ingest.models import ParsedFile, ParseHints
from parsers.lc_results_csv.parser import LcResultsCsvParser, read_plain_columns


def outcome(path: Path, hints: ParseHints, *, fast_path: bool) -> ParsedFile | ParseError:
    try:
        return LcResultsCsvParser(fast_path=fast_path).parse(path, hints=hints)
    except ParseError as exc:
        return exc


def view(parsed: ParsedFile) -> dict[str, Any]:
    return {
        "metadata": parsed.metadata,
        "traces": [(t.channel, t.signal_unit, t.data.to_dict("list")) for t in parsed.traces],
        "attachments": parsed.attachments,
        "warnings": parsed.warnings,
        "provenance": parsed.provenance,
    }


def assert_paths_agree(path: Path, hints: ParseHints | None = None) -> bool:
    """Assert both paths give the same ParsedFile (results frame to the dtype and bit, metadata,
    traces, warnings, provenance) or the same ParseError; True when the fast path read the file."""
    hints = hints or ParseHints()
    fast = outcome(path, hints, fast_path=True)
    general = outcome(path, hints, fast_path=False)
    if isinstance(general, ParseError):
        assert isinstance(fast, ParseError), f"{path.name}: the fast path read what the general refuses"
        assert (fast.message, fast.context) == (general.message, general.context)
        return False
    assert isinstance(fast, ParsedFile), f"{path.name}: the fast path refused: {fast}"
    pd.testing.assert_frame_equal(fast.results, general.results, check_exact=True)
    assert view(fast) == view(general)
    return read_plain_columns(path, hints) is not None
