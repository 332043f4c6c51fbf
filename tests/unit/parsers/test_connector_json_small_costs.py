"""What makes a small connector JSON cheaper changes nothing it gives: short traces converted by numpy
equal pyarrow's conversion (values, NaN for null, signs, refusals), and traces and result frames built from
their blocks equal pandas' own, on every connector JSON the tests and the shared exports hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import parsers._common.json_traces as json_traces
import parsers._plugin.frame_blocks as frame_blocks
from ingest.errors import ParseError
from parsers import discover_parsers
from tests.conftest import exports_root
from tests.support.paths import REPO

CONNECTORS = ("benchling_connector_chromeleon_json", "benchling_connector_empower_json")


def _json_files() -> list[Path]:
    roots = [REPO / "tests" / "conformance" / "parsers" / name for name in CONNECTORS]
    roots.append(exports_root() / "allotropy-asm")
    found = {p for root in roots if root.is_dir() for p in root.rglob("*.json")}
    return sorted(p for p in found if not p.name.endswith(".expected.json"))


def _outcome(path: Path) -> Any:
    registry = discover_parsers(third_party=False)
    try:
        parsed = registry.parse(path, parser_name=registry.choose(path).name)
    except ParseError as exc:
        return (type(exc), exc.message, exc.context)
    traces = [(t.channel, t.signal_unit, t.data) for t in parsed.traces]
    return parsed.results, traces, list(parsed.metadata.items()), parsed.warnings


def test_every_connector_json_parses_the_same_without_the_small_file_shortcuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = [p for p in _json_files() if discover_parsers(third_party=False).claims(p)]
    assert files
    quick = [_outcome(p) for p in files]
    monkeypatch.setattr(json_traces, "_FEW_POINTS", -1)
    monkeypatch.setattr(json_traces, "_FROM_BLOCKS", None)
    monkeypatch.setattr(frame_blocks, "_DIRECT", None)
    for path, fast, slow in zip(files, quick, [_outcome(p) for p in files], strict=True):
        if not isinstance(slow, tuple) or len(slow) == 3:
            assert fast == slow, path.name
            continue
        pd.testing.assert_frame_equal(fast[0], slow[0], check_exact=True)
        assert len(fast[1]) == len(slow[1]), path.name
        for (channel, unit, data), (slow_channel, slow_unit, slow_data) in zip(fast[1], slow[1], strict=True):
            assert (channel, unit) == (slow_channel, slow_unit)
            pd.testing.assert_frame_equal(data, slow_data, check_exact=True)
        assert [(k, type(v), repr(v)) for k, v in fast[2]] == [(k, type(v), repr(v)) for k, v in slow[2]]
        assert fast[3] == slow[3]


_POINT = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.booleans(),
    st.sampled_from(["1.5", "", 2**53, -(2**53), 2**53 + 1, 2**70]),
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(values=st.lists(_POINT, max_size=8))
def test_short_point_lists_convert_as_pyarrow_converts_them(values: list[Any]) -> None:
    owner = json_traces.Fields({}, file=Path("run.json"), where="$")

    def converted(few: int) -> Any:
        json_traces._FEW_POINTS = few
        try:
            return json_traces._floats(owner, values, field="chromatogram").tolist()
        except (ParseError, StopIteration) as exc:  # StopIteration: pyarrow's refusal of an exact int
            return type(exc)
        finally:
            json_traces._FEW_POINTS = 256

    quick, general = converted(256), converted(-1)
    if isinstance(general, list) and isinstance(quick, list):
        assert [repr(v) for v in quick] == [repr(v) for v in general]
    else:
        assert quick == general
