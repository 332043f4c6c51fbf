"""What makes a small file's parse cheap changes nothing it gives: formula text is screened once per
parse (by the LC and connector JSON parsers themselves, by the registry for the others) and still
neutralised or refused; header rows are resolved once each and never mixed up; columns looked at as one
decide what they decided one by one; frames built from their blocks equal pandas' own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import parsers._plugin.frames as frames_module
import parsers._plugin.registry as registry_module
import parsers.lc_results_csv.parser as lc_module
import parsers.lc_results_csv.small_path as small_module
from ingest.errors import ParseError
from ingest.models import ParseHints
from parsers import discover_parsers
from parsers._common.number_columns import column_format, present_texts
from parsers._common.numbers import decide_number_format
from parsers._plugin.frame_blocks import arrow_columns, frame_of_arrow_columns
from parsers.lc_results_csv.columns import _resolve_headers, resolve_headers
from parsers.lc_results_csv.reader import text_column

HEADER = "Sample ID,Injection Date,Instrument,Method,Peak,RT (min),Area,Peak Name"
ROWS = [
    "SMP-001,2026-11-02 09:15,HPLC-01,M1,1,0.5,120.25,Caffeine",
    "SMP-001,2026-11-02 09:15,HPLC-01,M1,2,1.25,1052.125,=HYPERLINK(1)",
]


def connector_json(peak_name: str) -> str:
    """A Chromeleon connector export of one injection, one signal and one peak named ``peak_name``."""
    return json.dumps(
        {
            "sequence": {"sequence name": "Seq 1"},
            "injections": [
                {
                    "injection number": 1,
                    "injection name": "Std 1",
                    "injection time": "2026-11-02T09:15:00Z",
                    "signals": [
                        {
                            "signal name": "UV_VIS_1",
                            "peaks": [{"name": peak_name, "retention time": 1.2, "area": 3.5, "height": 9.0}],
                        }
                    ],
                }
            ],
        }
    )


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    csv_path = tmp_path / "run.csv"
    csv_path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    json_path = tmp_path / "run.json"
    json_path.write_text(connector_json("@SUM(A1:A9)"), encoding="utf-8")
    return {"lc_results_csv": csv_path, "benchling_connector_chromeleon_json": json_path}


@pytest.fixture
def screens(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each place screened formula text (the real screening runs; the calls are counted)."""
    counted = {"parser": 0, "connector": 0, "registry": 0}

    def counting(place: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counted[place] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(lc_module, "screen_text_columns", counting("parser", lc_module.screen_text_columns))
    monkeypatch.setattr(small_module, "screen_text_lists", counting("parser", small_module.screen_text_lists))
    monkeypatch.setattr(
        frames_module, "screen_text_lists", counting("connector", frames_module.screen_text_lists)
    )
    monkeypatch.setattr(
        registry_module, "screen_formula_text", counting("registry", registry_module.screen_formula_text)
    )
    return counted


def test_the_lc_parser_screens_once_and_the_registry_leaves_it_the_screening(
    exports: dict[str, Path], screens: dict[str, int]
) -> None:
    parsed = discover_parsers(third_party=False).parse(exports["lc_results_csv"])
    assert screens == {"parser": 1, "connector": 0, "registry": 0}
    assert parsed.results["peak_name"].tolist() == ["Caffeine", "'=HYPERLINK(1)"]
    formula_warnings = [w for w in parsed.warnings if "would run as a formula" in w]
    assert len(formula_warnings) == 1
    assert "'=HYPERLINK(1)' (line 3 column 'Peak Name')" in formula_warnings[0]


def test_the_connector_json_parser_screens_its_columns_once_and_the_registry_leaves_it_the_screening(
    exports: dict[str, Path], screens: dict[str, int]
) -> None:
    parsed = discover_parsers(third_party=False).parse(exports["benchling_connector_chromeleon_json"])
    assert screens == {"parser": 0, "connector": 1, "registry": 0}
    assert parsed.results["peak_name"].tolist() == ["'@SUM(A1:A9)"]
    (warning,) = [w for w in parsed.warnings if "would run as a formula" in w]
    assert "'@SUM(A1:A9)' (result row 1 column 'peak_name')" in warning


@pytest.mark.parametrize("parser", ["lc_results_csv", "benchling_connector_chromeleon_json"])
def test_refuse_still_refuses_formula_text_in_both_parsers(exports: dict[str, Path], parser: str) -> None:
    registry = discover_parsers(third_party=False)
    with pytest.raises(ParseError, match="formula_text: refuse"):
        registry.parse(exports[parser], hints=ParseHints(formula_text="refuse"))


@pytest.mark.parametrize("parser", ["lc_results_csv", "benchling_connector_chromeleon_json"])
def test_keep_stores_formula_text_as_it_is_in_both_parsers(exports: dict[str, Path], parser: str) -> None:
    parsed = discover_parsers(third_party=False).parse(exports[parser], hints=ParseHints(formula_text="keep"))
    assert not any("would run as a formula" in w for w in parsed.warnings)
    assert not any(str(name).startswith("'") for name in parsed.results["peak_name"].dropna())


def test_a_parser_that_screens_but_takes_no_hints_is_screened_by_the_registry() -> None:
    class Declares:
        screens_formula_text = True

        def parse(self, path: Path) -> None: ...

    class DeclaresWithHints:
        screens_formula_text = True

        def parse(self, path: Path, *, hints: ParseHints | None = None) -> None: ...

    assert not registry_module.screens_formula_text(Declares)  # type: ignore[arg-type]  # a test double
    assert registry_module.screens_formula_text(DeclaresWithHints)  # type: ignore[arg-type]  # likewise


def test_each_header_row_gets_its_own_layout_however_often_it_is_seen(tmp_path: Path) -> None:
    first = ("Sample ID", "RT (min)", "Area", "Height")
    second = ("sample_id", "RT (s)", "Area [mAU*s]", "Injection Volume")
    for _ in range(2):
        for headers in (first, second):
            layout = resolve_headers(headers, file=tmp_path / "a.csv")
            assert layout == _resolve_headers(headers, file=tmp_path / "a.csv")
    one, other = (
        resolve_headers(first, file=tmp_path / "a.csv"),
        resolve_headers(second, file=tmp_path / "b.csv"),
    )
    assert one.rt_factor == 1.0 and other.rt_factor == pytest.approx(1 / 60)
    assert [s.key for s in other.extras] == ["injection_volume"] and not one.extras
    assert other.known["area"].unit == "mAU*s" and one.known["area"].unit is None
    with pytest.raises(TypeError):
        one.known["area"] = other.known["area"]  # type: ignore[index]  # shared between files: read-only


def test_a_refused_header_row_is_refused_every_time_naming_each_file(tmp_path: Path) -> None:
    headers = ("Sample ID", "RT (min)", "Height")
    for name in ("a.csv", "b.csv"):
        with pytest.raises(ParseError, match=rf"Unable to find column 'Area' in '{name}'"):
            resolve_headers(headers, file=tmp_path / name)


def _text_column_by_compute(raw: pa.ChunkedArray) -> pa.ChunkedArray:
    """text_column's decisions made by compute calls alone (as it makes them for many rows)."""
    trimmed = pc.utf8_trim_whitespace(raw)
    lengths = pc.binary_length(trimmed)
    empty = pc.equal(lengths, 0)
    if pc.any(empty).as_py():
        return pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
    unchanged = pc.sum(lengths).as_py() == pc.sum(pc.binary_length(raw)).as_py()
    return raw if unchanged else trimmed


@pytest.mark.parametrize(
    "chunks",
    [
        [["a", "b c", "d"]],
        [[" a", "b", "c "]],
        [["a", "", "c"]],
        [["a", "  ", "c"]],
        [["a", None, " c"]],
        [["x"], [], ["y ", "z"]],
        [["\u00a0é\u00a0", "ü"]],
        [[]],
        [[f" v{i}" if i == 299 else f"v{i}" for i in range(300)]],
        [["" if i == 150 else f"v{i}" for i in range(300)]],
        [[f"v{i}" for i in range(300)]],
    ],
)
def test_text_column_decides_as_the_compute_calls_do(chunks: list[list[str | None]]) -> None:
    raw = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    sliced = pa.chunked_array([pa.array(["pad", *c], pa.string()).slice(1) for c in chunks], pa.string())
    for values in (raw, sliced):
        assert text_column(values).to_pylist() == _text_column_by_compute(values).to_pylist()
        assert text_column(values).type == pa.string()


@pytest.mark.parametrize(
    "columns",
    [
        [["1", "2", "n.a."], ["1,5", "2"]],
        [["12", "1.052,04"], ["0.5"]],
        [["12", "13"], [" 7,25 ", "NaN"], ["1.5"]],
        [["1 052,04"], ["2.5"]],
        [["12"], ["13"]],
    ],
)
def test_columns_looked_at_as_one_decide_the_mark_they_decide_one_by_one(columns: list[list[str]]) -> None:
    arrays = [pa.chunked_array([pa.array(c, pa.string())]) for c in columns]
    one_by_one: list[str] = []
    for values in arrays:
        one_by_one.extend(v for v in pc.unique(present_texts(values)).to_pylist() if v is not None)
    assert column_format(arrays) == decide_number_format(one_by_one)


def test_frames_built_from_blocks_equal_pandas_own() -> None:
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "sample_id": pa.array(["a", None, "c"], pa.string()),
        "area": pa.chunked_array([pa.array([1.5, None]), pa.array([2.0])]),
        "peak_number": pa.array([1, 2, 3], pa.int64()),
    }
    built = frame_of_arrow_columns(columns)
    expected = pd.DataFrame({k: pd.arrays.ArrowExtensionArray(v) for k, v in columns.items()})
    pd.testing.assert_frame_equal(built, expected, check_exact=True)
    assert list(built.columns) == list(columns) and built.index.equals(pd.RangeIndex(3))
    assert [a.to_pylist() for a in arrow_columns(built, [0, 2])] == [
        columns["sample_id"].to_pylist(),
        columns["peak_number"].to_pylist(),
    ]
