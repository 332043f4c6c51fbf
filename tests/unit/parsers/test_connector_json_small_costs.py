"""What makes a small connector JSON cheaper changes nothing it gives. Every connector JSON the tests and
the shared exports hold, and generated exports with hostile content, parse the same through the registry
with every shortcut on and with all of them off (the ordinary path): frames to the bit and dtype, traces,
metadata with their types, warnings as a set (the parser now screens its own formula text, so that
warning comes before the registry's), and refusals (type, message, context) under each formula policy.
The shortcuts: one pyarrow conversion per dtype for frames of a few rows, extension arrays and frames made
from their parts, short traces converted by numpy and framed directly, the connector screening its own
text, the contract's check of a layout it has seen recognised, and the sniffs' shared decoding and key
search. Short point lists convert as the general conversion does, and JSON integers beyond what a double
holds exactly are numbers (the nearest double), not a parser crash."""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import parsers._common.decoding as decoding
import parsers._common.json_document as json_document
import parsers._common.json_traces as json_traces
import parsers._plugin.contract as contract_module
import parsers._plugin.formula_text as formula_text
import parsers._plugin.frame_blocks as frame_blocks
import parsers._plugin.frames as frames_module
import parsers._plugin.placeholder_values as placeholder_values
import parsers._plugin.registry as registry_module
from ingest.contract import FLOAT, INT, STRING
from ingest.errors import ParseError
from ingest.models import FormulaTextPolicy, ParsedFile, ParseHints, Provenance
from parsers import ResultColumns, discover_parsers, empty_results, read_text
from parsers._common.handed_bytes import file_bytes
from parsers._common.json_fields import Fields
from parsers._common.numbers import parse_number
from parsers._plugin.registry import SNIFF_BYTES, ParserEntry, ParserRegistry
from parsers.benchling_connector_chromeleon_json.parser import ChromeleonConnectorJsonParser
from parsers.benchling_connector_empower_json.parser import EmpowerConnectorJsonParser
from tests.conftest import exports_root
from tests.support.paths import REPO

CONNECTORS = ("benchling_connector_chromeleon_json", "benchling_connector_empower_json")
POLICIES: tuple[FormulaTextPolicy, ...] = ("neutralise", "refuse", "keep")


def _json_files() -> list[Path]:
    roots = [REPO / "tests" / "conformance" / "parsers" / name for name in CONNECTORS]
    roots.append(exports_root() / "allotropy-asm")
    found = {p for root in roots if root.is_dir() for p in root.rglob("*.json")}
    return sorted(p for p in found if not p.name.endswith(".expected.json"))


def _peak(index: int, name: Any) -> dict[str, Any]:
    return {
        "identifier": str(index + 1),
        "name": name,
        "retention time": 1.0 + index,
        "area": 100 * (index + 1),
        "height": 9.5,
        "amount": None,
        "peak type": "BB" if index % 2 else None,
    }


def _chromeleon(
    *,
    peaks: list[dict[str, Any]],
    x: list[Any] | None = None,
    y: list[Any] | None = None,
    sequence_name: Any = "Seq 1",
    instrument: Any = "HPLC-01",
    volume: Any = 4.0,
    signal: str = "UV_VIS_1",
) -> dict[str, Any]:
    return {
        "device information": {"pump model number": "P-1", "uv model number": "=cmd|' /C calc'!A0"},
        "sequence": {"sequence name": sequence_name, "sequence update operator": "@SUM(A1:A2)"},
        "instrument": instrument,
        "injections": [
            {
                "injection number": 1,
                "injection name": '-HYPERLINK("x")',
                "injection time": "2026-11-02T09:15:00+01:00",
                "injection volume setting": volume,
                "injection volume setting unit": "uL",
                "signals": [
                    {
                        "signal name": signal,
                        "wavelength setting": 254,
                        "chromatogram": {"x": x if x is not None else [0.0, 0.5], "y": y or [1, None]},
                        "peaks": peaks,
                    }
                ],
            }
        ],
    }


def _generated() -> dict[str, Any]:
    """Hostile exports: formula text in columns and metadata, placeholders, many peaks, awkward traces."""
    formulas = ["=SUM(A1)", "+A1+2", "-12.5", "@cmd", " =1+1", "\u00a0=HYPERLINK(1)", "Caffeine", None]
    return {
        "one_peak.json": _chromeleon(peaks=[_peak(0, '=HYPERLINK("evil")')]),
        "no_peaks.json": _chromeleon(peaks=[]),
        "many_peaks.json": _chromeleon(peaks=[_peak(i, formulas[i % len(formulas)]) for i in range(40)]),
        "placeholders.json": _chromeleon(
            peaks=[_peak(0, "A")], instrument="n/a", volume=0, sequence_name="---"
        ),
        "unitless.json": _chromeleon(peaks=[_peak(0, "A")], signal="CAD_1"),
        "big_integers.json": _chromeleon(peaks=[_peak(0, "A")], x=[0.5, 2**53 + 1, 2**64], y=[1.5, 2.5, 3]),
        "huge_integer.json": _chromeleon(peaks=[_peak(0, "A")], x=[0.5, 10**400], y=[1.0, 2.0]),
        "text_point.json": _chromeleon(peaks=[_peak(0, "A")], x=[0.5, "1.0"], y=[1.0, 2.0]),
        "bool_point.json": _chromeleon(peaks=[_peak(0, "A")], x=[0.5, 1.0], y=[True, 2.0]),
        "ragged_trace.json": _chromeleon(peaks=[_peak(0, "A")], x=[0.5, 1.0, 1.5], y=[1.0, 2.0]),
        "long_trace.json": _chromeleon(
            peaks=[_peak(0, "A")], x=[i / 10 for i in range(300)], y=list(range(300))
        ),
        "bad_number.json": _chromeleon(peaks=[{**_peak(0, "A"), "area": "lots"}]),
        "huge_area.json": _chromeleon(peaks=[{**_peak(0, "A"), "area": 10**400}]),
        "not_an_object.json": _chromeleon(peaks=["peak"]),  # type: ignore[list-item]
    }


@pytest.fixture
def generated(tmp_path: Path) -> list[Path]:
    paths = []
    for name, document in _generated().items():
        path = tmp_path / name
        # Python's json writes integers of any size, as exporters may.
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
        paths.append(path)
    duplicate = tmp_path / "duplicate_key.json"
    duplicate.write_text('{"injections": [], "sequence": {"sequence name": "a", "sequence name": "b"}}')
    return [*paths, duplicate]


class _Forgetful(dict[Any, Any]):
    """A memo that remembers nothing: every layout, index and trace is checked the long way."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class _ForgetfulSet(set[Any]):
    """A set of things found right that keeps none of them: every key is matched again."""

    def add(self, element: Any) -> None:
        pass


def _ordinary_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shortcut off: per-column conversion, pandas' constructors, pyarrow for every trace, the
    registry screening the output, the full contract check each time, the sniffs' own searches."""
    monkeypatch.setattr(json_traces, "_FEW_POINTS", -1)
    monkeypatch.setattr(json_traces, "_FROM_BLOCKS", None)
    monkeypatch.setattr(json_traces, "_DIRECT_TRACE", None)
    monkeypatch.setattr(frame_blocks, "_DIRECT", None)
    monkeypatch.setattr(frame_blocks, "_QUICK_ARRAY", None)
    monkeypatch.setattr(frame_blocks, "_QUICK_RANGE_INDEX", None)
    monkeypatch.setattr(frame_blocks, "_NAMES_OF_INDEX", _Forgetful())
    monkeypatch.setattr(frames_module, "_FEW_ROWS", -1)
    monkeypatch.setattr(contract_module, "_CHECKED_LAYOUTS", _Forgetful())
    monkeypatch.setattr(contract_module, "_TRACE_INDEXES", _Forgetful())
    monkeypatch.setattr(json_document, "_ascii_lowered", lambda text: None)
    monkeypatch.setattr(ChromeleonConnectorJsonParser, "screens_formula_text", False)
    monkeypatch.setattr(EmpowerConnectorJsonParser, "screens_formula_text", False)
    # This round's: the file read again by its parser, frames made from their columns' arrays in two
    # steps, the contract check reading names and dtypes from every frame, every metadata key matched,
    # every text matched by the formula pattern, placeholder words found for each key again.
    monkeypatch.setattr(registry_module, "_HAND_OVER_WHOLE_FILES", False)
    monkeypatch.setattr(frame_blocks, "_DIRECT_COLUMNS", None)
    monkeypatch.setattr(frame_blocks, "_BUILT", _Forgetful())
    monkeypatch.setattr(contract_module, "_SNAKE_KEYS", _ForgetfulSet())
    monkeypatch.setattr(formula_text, "_may_look_like_formula", lambda text: True)
    monkeypatch.setattr(placeholder_values, "_kinds", placeholder_values._kinds.__wrapped__)


def _outcome(path: Path, policy: FormulaTextPolicy) -> Any:
    registry = discover_parsers(third_party=False)
    try:
        chosen = registry.choose(path).name
    except ParseError as exc:
        return ("not chosen", type(exc), exc.message)
    if chosen not in CONNECTORS:
        return ("chosen", chosen)
    try:
        parsed = registry.parse(path, hints=ParseHints(formula_text=policy))
    except ParseError as exc:
        return (type(exc), exc.message, exc.context)
    traces = [(t.channel, t.signal_unit, t.data) for t in parsed.traces]
    metadata = [(k, type(v), repr(v)) for k, v in parsed.metadata.items()]
    return parsed.results, traces, metadata, sorted(parsed.warnings), len(parsed.warnings)


def _assert_same(path: Path, fast: Any, slow: Any) -> None:
    if not isinstance(slow, tuple) or len(slow) != 5 or not isinstance(fast, tuple) or len(fast) != 5:
        assert fast == slow, path.name
        return
    pd.testing.assert_frame_equal(fast[0], slow[0], check_exact=True)
    assert fast[0].dtypes.tolist() == slow[0].dtypes.tolist(), path.name
    assert len(fast[1]) == len(slow[1]), path.name
    for (channel, unit, data), (slow_channel, slow_unit, slow_data) in zip(fast[1], slow[1], strict=True):
        assert (channel, unit) == (slow_channel, slow_unit), path.name
        pd.testing.assert_frame_equal(data, slow_data, check_exact=True)
    assert fast[2:] == slow[2:], path.name


def _all_outcomes(files: list[Path]) -> Iterator[tuple[Path, FormulaTextPolicy, Any]]:
    for path in files:
        for policy in POLICIES:
            yield path, policy, _outcome(path, policy)


def test_every_connector_json_parses_the_same_with_and_without_the_small_file_shortcuts(
    monkeypatch: pytest.MonkeyPatch, generated: list[Path]
) -> None:
    files = [*_json_files(), *generated]
    fast = list(_all_outcomes(files))
    assert any(len(outcome) == 5 for _, _, outcome in fast)  # parsed
    assert any(len(outcome) == 3 and outcome[0] is ParseError for _, _, outcome in fast)  # refused
    _ordinary_path(monkeypatch)
    for (path, _, quick), (_, _, slow) in zip(fast, _all_outcomes(files), strict=True):
        _assert_same(path, quick, slow)


def test_the_generated_exports_give_what_they_were_made_to_show(generated: list[Path]) -> None:
    by_name = {path.name: path for path in generated}
    registry = discover_parsers(third_party=False)
    many = registry.parse(by_name["many_peaks.json"])
    assert len(many.results) == 40
    assert many.results["peak_name"].tolist()[:3] == ["'=SUM(A1)", "'+A1+2", "-12.5"]
    (warning,) = [w for w in many.warnings if "would run as a formula" in w]
    assert "'-HYPERLINK(\"x\")' (result row 1 column 'sample_name')" in warning  # columns in frame order
    assert many.metadata["operator"] == "'@SUM(A1:A2)"
    placeholders = registry.parse(by_name["placeholders.json"])
    assert placeholders.metadata["instrument"] is None and placeholders.metadata["instrument_raw"] == "n/a"
    with pytest.raises(ParseError, match="formula_text: refuse"):
        registry.parse(by_name["one_peak.json"], hints=ParseHints(formula_text="refuse"))


def test_a_trace_mixing_floats_with_integers_beyond_a_doubles_exact_range_reads_them_as_numbers(
    generated: list[Path],
) -> None:
    path = next(p for p in generated if p.name == "big_integers.json")
    parsed = discover_parsers(third_party=False).parse(path)
    assert parsed.traces[0].data["time_min"].tolist() == [0.5, float(2**53 + 1), float(2**64)]


def test_an_integer_beyond_any_double_is_refused_naming_the_file_field_and_what_was_expected(
    generated: list[Path],
) -> None:
    registry = discover_parsers(third_party=False)
    path = next(p for p in generated if p.name == "huge_integer.json")
    with pytest.raises(ParseError) as trace_error:
        registry.parse(path)
    message = trace_error.value.message
    assert str(path) in message and "chromatogram (time)" in message and "position 1" in message
    assert "an integer of 401 digits" in message and "Expected numbers up to about 1.8e308" in message
    area = next(p for p in generated if p.name == "huge_area.json")
    with pytest.raises(ParseError, match=r"field 'area' .* Expected a number up to about 1.8e308"):
        registry.parse(area)


def _reference_floats(values: list[Any]) -> list[float] | type[ParseError]:
    """What a JSON number list means: each number the nearest double (None as NaN), else refused."""
    floats = []
    for value in values:
        if value is None:
            floats.append(math.nan)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            return ParseError
        else:
            try:
                floats.append(float(value))
            except OverflowError:
                return ParseError
    return floats


_POINT = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.booleans(),
    st.sampled_from(["1.5", "", 2**53, -(2**53), 2**53 + 1, 2**63, -(2**64) - 1, 2**70, 10**400]),
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(values=st.lists(_POINT, max_size=8))
def test_point_lists_convert_to_the_nearest_doubles_on_both_paths(values: list[Any]) -> None:
    owner = Fields({}, file=Path("run.json"), where="$")

    def converted(few: int) -> Any:
        json_traces._FEW_POINTS = few
        try:
            return [repr(v) for v in json_traces._floats(owner, values, field="chromatogram").tolist()]
        except ParseError:
            return ParseError
        finally:
            json_traces._FEW_POINTS = 256

    expected = _reference_floats(values)
    expected_shown = expected if expected is ParseError else [repr(v) for v in expected]  # type: ignore[union-attr]
    assert converted(256) == expected_shown
    assert converted(-1) == expected_shown


def _reference_has_json_keys(text: str, keys: tuple[str, ...], at_least: int) -> bool:
    """The sniffs' key test as it was first written: one case-insensitive search per key."""
    found = sum(1 for key in keys if re.search('"' + re.escape(key) + r'"\s*:', text, flags=re.IGNORECASE))
    return found >= at_least


_KEYS = ("injections", "Signal Name", "InjectionId", "k", "s")
_TEXT = st.lists(
    st.one_of(
        st.sampled_from(['"', ":", " ", "\t", "\n", "{", ",", *_KEYS, "INJECTIONS", "signal name", "K", "S"]),
        st.sampled_from(
            ["\u212a", "\u017f", "\u0130", "\u0131", "é"]
        ),  # letters that match ASCII ones in any case
        st.text(max_size=3),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(text=_TEXT, at_least=st.integers(min_value=1, max_value=3))
def test_the_sniffs_key_test_finds_what_one_search_per_key_finds(text: str, at_least: int) -> None:
    assert json_document.has_json_keys(text, _KEYS, at_least=at_least) == _reference_has_json_keys(
        text, _KEYS, at_least
    )


_CELL = {
    "string": st.one_of(st.none(), st.text(max_size=4)),
    "double": st.one_of(st.none(), st.floats(allow_nan=False), st.integers(-(2**53), 2**53)),
    "int64": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
}


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "sample_id": _CELL["string"],
                "peak_number": _CELL["int64"],
                "area": _CELL["double"],
                "note": _CELL["string"],
                "amount": st.one_of(_CELL["double"], st.just("not a number")),
            }
        ),
        max_size=20,
    )
)
def test_result_columns_of_a_few_rows_equal_the_frame_built_column_by_column(
    rows: list[dict[str, Any]],
) -> None:
    def built(few: int) -> Any:
        frames_module._FEW_ROWS = few
        try:
            columns = ResultColumns({"note": STRING, "amount": FLOAT, "count": INT})
            for row in rows:
                columns.append(row)
            return columns.frame()
        except Exception as exc:  # a value its column cannot hold: the same refusal either way
            return type(exc), str(exc)
        finally:
            frames_module._FEW_ROWS = 16

    quick, general = built(16), built(-1)
    if isinstance(general, pd.DataFrame) and isinstance(quick, pd.DataFrame):
        pd.testing.assert_frame_equal(quick, general, check_exact=True)
        assert quick.dtypes.tolist() == general.dtypes.tolist()
    else:
        assert quick == general


class _Rewriter:
    """A parser that rewrites its file on disk before reading it: what it reads shows which bytes it got."""

    name: ClassVar[str] = "rewriter_rec"
    version: ClassVar[str] = "1.0"
    extensions: ClassVar[tuple[str, ...]] = (".rec",)
    fail: ClassVar[bool] = False

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.startswith(b"REC")

    def parse(self, path: Path) -> ParsedFile:
        path.write_bytes(b"REC rewritten")
        if self.fail:
            raise ParseError(f"'{path}' is refused on purpose.", file=path)
        text = read_text(path).text
        return ParsedFile(
            metadata={"text": text},
            results=empty_results(),
            provenance=Provenance(self.name, self.version, path),
        )


def _rewriter_registry() -> ParserRegistry:
    return ParserRegistry([ParserEntry(_Rewriter, "this test")])


@pytest.mark.parametrize("hand_over", [True, False])
def test_a_small_file_is_parsed_from_the_bytes_its_parser_was_chosen_by_and_only_in_that_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hand_over: bool
) -> None:
    monkeypatch.setattr(registry_module, "_HAND_OVER_WHOLE_FILES", hand_over)
    path = tmp_path / "small.rec"
    path.write_bytes(b"REC original")
    parsed = _rewriter_registry().parse(path)
    # Handed over, the parser reads what the registry read (the rewrite comes after); else the file again.
    assert parsed.metadata["text"] == ("REC original" if hand_over else "REC rewritten")
    assert file_bytes(path) == b"REC rewritten"  # after the call, the file itself
    assert read_text(path).text == "REC rewritten"


def test_a_file_larger_than_the_sniffs_read_is_read_again_by_its_parser(tmp_path: Path) -> None:
    path = tmp_path / "large.rec"
    path.write_bytes(b"REC " + b"x" * SNIFF_BYTES)
    parsed = _rewriter_registry().parse(path)
    assert parsed.metadata["text"] == "REC rewritten"


def test_a_connector_json_rewritten_between_two_calls_is_read_again(tmp_path: Path) -> None:
    registry = discover_parsers(third_party=False)
    path = tmp_path / "run.json"
    path.write_text(json.dumps(_chromeleon(peaks=[_peak(0, "A")], sequence_name="First")), encoding="utf-8")
    assert registry.parse(path).metadata["sequence"] == "First"
    # The same size: nothing but the content tells the two apart.
    path.write_text(json.dumps(_chromeleon(peaks=[_peak(0, "A")], sequence_name="Other")), encoding="utf-8")
    assert registry.parse(path).metadata["sequence"] == "Other"


def test_the_hand_over_ends_with_its_call_when_the_parser_refuses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Rewriter, "fail", True)
    path = tmp_path / "refused.rec"
    path.write_bytes(b"REC original")
    with pytest.raises(ParseError, match="refused on purpose"):
        _rewriter_registry().parse(path)
    assert file_bytes(path) == b"REC rewritten"


def _built_parsed() -> tuple[ParsedFile, pd.DataFrame]:
    columns = ResultColumns({"note": STRING})
    columns.append({"sample_id": "S1", "area": 12.5, "note": "n"})
    frame = columns.frame()
    provenance = Provenance("test_parser", "1.0", Path("run.json"))
    return ParsedFile(metadata={}, results=frame, provenance=provenance), frame


def _insert(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "first", pd.Series(["x"], dtype=STRING))
    return frame


def _astype(frame: pd.DataFrame) -> pd.DataFrame:
    frame["area"] = frame["area"].astype(STRING)
    return frame


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"area": "Area"})


def _relabel(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = pd.Index([("Area" if name == "area" else name) for name in frame.columns])
    return frame


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (_insert, "Expected the normalized columns first"),
        (_astype, "returned column 'area' with dtype string"),
        (_rename, "Expected the normalized columns first"),
        (_relabel, "Expected the normalized columns first"),
    ],
    ids=["insert", "astype", "rename", "columns set"],
)
def test_the_contract_check_trusts_a_built_frame_only_while_nothing_changed_it(
    change: Callable[[pd.DataFrame], pd.DataFrame], refusal: str
) -> None:
    parsed, frame = _built_parsed()
    assert frame_blocks.built_layout(frame) is not None
    assert contract_module.validate_parsed(parsed, file=Path("run.json")) is parsed
    changed = change(frame)
    assert frame_blocks.built_layout(changed) is None
    with pytest.raises(ParseError, match=re.escape(refusal)):
        contract_module.validate_parsed(dataclasses.replace(parsed, results=changed), file=Path("run.json"))


def test_values_written_into_a_built_frame_keep_its_layout_trusted_and_right() -> None:
    parsed, frame = _built_parsed()
    frame.loc[0, "area"] = 99.0  # same dtype: written into the block, which pandas keeps
    known = frame_blocks.built_layout(frame)
    assert known is not None
    assert list(known[0]) == frame.columns.tolist() and list(known[1]) == frame.dtypes.tolist()
    assert contract_module.validate_parsed(parsed, file=Path("run.json")) is parsed


def test_a_built_frames_record_goes_with_the_frame() -> None:
    parsed, frame = _built_parsed()
    key = id(frame._mgr)
    assert key in frame_blocks._BUILT
    del parsed, frame
    gc.collect()
    assert key not in frame_blocks._BUILT


def _reference_candidates(extensions: list[tuple[str, ...]], name: str) -> list[int]:
    """The registry's choice by extension as first written: lowered endswith, then the declared one."""
    lowered = name.lower()
    return [
        index
        for index, exts in enumerate(extensions)
        if lowered.endswith(tuple(x.lower() for x in exts))
        and any(lowered.endswith(ext) and len(lowered) > len(ext) for ext in exts)
    ]


_EXTENSION = st.sampled_from(
    [".json", ".JSON", ".txt", ".tar.gz", ".gz", "gz", ".d", "d", ".", "x.csv", ".csv"]
)
_NAME = st.lists(
    st.sampled_from(["run", ".", "json", "JSON", "tar", "gz", "d", "csv", "x", "Ç", "İ"]), max_size=6
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    extensions=st.lists(st.lists(_EXTENSION, min_size=1, max_size=3).map(tuple), min_size=1, max_size=5),
    parts=_NAME,
)
def test_the_registry_finds_by_extension_the_parsers_it_found_by_every_extension(
    extensions: list[tuple[str, ...]], parts: list[str]
) -> None:
    classes = [
        type(f"P{index}", (_Rewriter,), {"name": f"p{index}", "extensions": exts})
        for index, exts in enumerate(extensions)
    ]
    registry = ParserRegistry([ParserEntry(cls, "this test") for cls in classes])
    name = "".join(parts)
    found = [classes.index(entry.parser_class) for entry in registry._by_extension(Path("folder") / name)]
    assert found == _reference_candidates(extensions, name)


_SPACES = ["", " ", "\t", "\u00a0", "\u2003", "\x1c", "\x85", "\u3000", "\u200b"]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(
    text=st.tuples(
        st.sampled_from(_SPACES), st.sampled_from(["", "=", "+", "-", "@", "A", "1"]), st.text(max_size=8)
    ).map("".join)
)
def test_text_the_quick_test_rules_out_never_looks_like_a_formula(text: str) -> None:
    if formula_text.looks_like_formula(text):
        assert formula_text._may_look_like_formula(text)


def _reference_detect_encoding(data: bytes) -> str | None:
    """The zero-byte patterns of ``detect_encoding`` as first written (after its BOM checks)."""
    head = data[: len(data[:400]) - len(data[:400]) % 4]
    if len(head) >= 8:
        quads = [head[i::4] for i in range(4)]
        zeros = [q.count(0) / len(q) for q in quads]
        if zeros[1] > 0.8 and zeros[2] > 0.8 and zeros[3] > 0.8 and zeros[0] < 0.2:
            return decoding._if_text(head, "utf-32-le")
        if zeros[0] > 0.8 and zeros[1] > 0.8 and zeros[2] > 0.8 and zeros[3] < 0.2:
            return decoding._if_text(head, "utf-32-be")
    head = data[: len(data[:200]) - len(data[:200]) % 2]
    odd, even = head[1::2], head[0::2]
    if len(head) >= 4 and odd.count(0) > len(odd) * 0.8 and even.count(0) == 0:
        return decoding._if_text(head, "utf-16-le")
    if len(head) >= 4 and even.count(0) > len(even) * 0.8 and odd.count(0) == 0:
        return decoding._if_text(head, "utf-16-be")
    return None


@settings(max_examples=500, derandomize=True, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.text(max_size=120).map(lambda t: t.encode("utf-16-le")),
        st.text(max_size=120).map(lambda t: t.encode("utf-32-be")),
        st.tuples(st.binary(min_size=400, max_size=420), st.binary(max_size=20)).map(
            lambda parts: parts[0].replace(b"\x00", b"a") + b"\x00" + parts[1]
        ),
    )
)
def test_the_encoding_a_head_without_a_bom_shows_is_what_its_zero_bytes_showed(data: bytes) -> None:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return
    assert decoding.detect_encoding(data) == _reference_detect_encoding(data)


def _reference_field(value: Any, kind: str) -> Any:
    """What ``Fields.text`` and ``Fields.number`` gave for a value before their quick branches."""
    if value is None:
        return None
    if kind == "text":
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return None if math.isnan(value) else repr(value)
        if isinstance(value, str):
            return value.strip() or None
        return ParseError
    if isinstance(value, bool):
        return ParseError
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            return ParseError
        return None if math.isnan(number) else number
    if isinstance(value, str):
        try:
            return parse_number(value, file=Path("run.json"), column="Area")
        except ParseError:
            return ParseError
    return ParseError


_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**400)]),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from([" 1,5 ", "n/a", "", "  "]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(
    value=_VALUE,
    spelling=st.sampled_from(["Area", "area", "AREA", "a r e a"]),
    kind=st.sampled_from(["text", "number"]),
)
def test_a_field_reads_as_it_did_before_its_quick_branches(value: Any, spelling: str, kind: str) -> None:
    fields = Fields({spelling: value, "other": 1}, file=Path("run.json"), where="$")
    read = fields.text if kind == "text" else fields.number
    try:
        found: Any = read("Area", "AREA")
    except ParseError:
        found = ParseError
    expected = _reference_field(value, kind)
    assert repr(found) == repr(expected) and type(found) is type(expected)
