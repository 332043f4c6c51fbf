"""lc_results_csv's small path (plain Python for files of a few KiB) against its ordinary path (pyarrow):
on every CSV the repository and the shared exports hold, on the fast-path fixtures, and on generated
files with hostile cells, either both give the same ParsedFile or both refuse with the same error; and the
files the small path does not split itself are handed on to the ordinary path."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.models import ParseHints
from parsers._common.numbers import MISSING_MARKERS
from parsers.lc_results_csv.small_table import SMALL_FILE_BYTES, read_small_table
from tests.conftest import exports_root
from tests.support.lc_small_paths import assert_small_path_agrees
from tests.support.paths import REPO
from tests.unit.parsers.test_lc_results_csv_fast_path import DECLINED_OR_REFUSED, PLAIN

HINTS = {
    "defaults": ParseHints(),
    "comma, day first, refuse": ParseHints(decimal="comma", date_order="day_first", formula_text="refuse"),
    "point, month first, keep": ParseHints(decimal="point", date_order="month_first", formula_text="keep"),
}


def _csv_files() -> list[Path]:
    roots = [REPO / "sample_data", REPO / "tests", exports_root()]
    found = {p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix.lower() == ".csv"}
    return sorted(p for p in found if p.is_file())


CSV_FILES = _csv_files()


@pytest.mark.parametrize("hints", HINTS.values(), ids=HINTS.keys())
def test_every_csv_at_hand_reads_the_same_by_either_path(hints: ParseHints) -> None:
    assert CSV_FILES, "no CSV found"
    read_small = [path.name for path in CSV_FILES if assert_small_path_agrees(path, hints)]
    # The repository's own LC exports are what the small path is for: it must read them itself.
    lc_exports = [
        p.name for p in (REPO / "sample_data" / "exports" / "lc").glob("*.csv") if "_trace" not in p.name
    ]
    assert set(lc_exports) <= set(read_small)


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN.keys())
def test_the_fast_path_fixtures_read_the_same_by_either_path(tmp_path: Path, text: str) -> None:
    path = tmp_path / "run.csv"
    path.write_text(text, encoding="utf-8", newline="")
    for hints in HINTS.values():
        assert_small_path_agrees(path, hints)


@pytest.mark.parametrize("text", DECLINED_OR_REFUSED.values(), ids=DECLINED_OR_REFUSED.keys())
def test_the_files_off_the_fast_path_read_or_are_refused_alike(tmp_path: Path, text: str) -> None:
    path = tmp_path / "run.csv"
    path.write_bytes(text.encode("latin-1" if "Prüf" in text else "utf-8"))
    for hints in HINTS.values():
        assert_small_path_agrees(path, hints)


HEADER = "Sample ID,Injection Date,Instrument,Method,Peak,RT (min),Area,Peak Name"
ROW = "SMP-001,2026-11-02 09:15,HPLC-01,M1,1,0.5,120.25,Caffeine"

HANDED_ON = {
    "a quoted value over two lines": HEADER + "\n" + ROW.replace("Caffeine", '"Caf\nfeine"') + "\n",
    "a quote inside a cell": HEADER + "\n" + ROW.replace("Caffeine", 'Caf"feine') + "\n",
    "text after a closing quote": HEADER + "\n" + ROW.replace("Caffeine", '"Caf"feine') + "\n",
    "a quoted header": HEADER.replace("Peak Name", '"Peak Name"') + "\n" + ROW + "\n",
    "CR line ends": HEADER + "\r" + ROW + "\r",
    "LF and CRLF mixed": HEADER + "\r\n" + ROW + "\n" + ROW + "\r\n",
    "a ragged row": HEADER + "\n" + ROW + ",1\n",
    "no rows": HEADER + "\n\n",
}


@pytest.mark.parametrize("text", HANDED_ON.values(), ids=HANDED_ON.keys())
def test_what_the_small_path_does_not_split_is_handed_to_the_ordinary_path(tmp_path: Path, text: str) -> None:
    path = tmp_path / "run.csv"
    path.write_bytes(text.encode("utf-8"))
    assert read_small_table(path) is None
    assert not assert_small_path_agrees(path)


def test_a_file_over_the_limit_is_handed_on_and_one_under_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    row = ROW + "\n"
    path.write_text(HEADER + "\n" + row * ((SMALL_FILE_BYTES // len(row)) + 1), encoding="utf-8")
    assert read_small_table(path) is None
    assert read_small_table(path, limit=path.stat().st_size) is not None
    assert assert_small_path_agrees(path)


def test_quoted_cells_are_split_as_pyarrow_splits_them(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    rows = [
        ROW.replace("Caffeine", '"Caf, ""feine"""'),
        ROW.replace("SMP-001", '""').replace("Caffeine", '","'),
        ROW.replace("Caffeine", '""'),
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    table = read_small_table(path)
    assert table is not None and table.columns[7] == ['Caf, "feine"', ",", ""] and table.columns[0][1] == ""
    assert assert_small_path_agrees(path)


def test_trimming_and_lower_casing_in_python_match_pyarrows_for_every_code_point() -> None:
    """The small path trims with ``str.strip`` and finds missing markers among ASCII text only: both rest
    on pyarrow's ``utf8_trim_whitespace`` trimming the same characters, and on no non-ASCII character
    lower-casing into a marker."""
    points = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    padded = [f"x{c}" for c in points] + [f"{c}x" for c in points]
    assert pc.utf8_trim_whitespace(pa.array(padded)).to_pylist() == [text.strip() for text in padded]
    lowered = pc.utf8_lower(pa.array(points[128:])).to_pylist()
    marker_letters = set("".join(MISSING_MARKERS))
    assert not [c for c, low in zip(points[128:], lowered, strict=True) if low and set(low) <= marker_letters]


# Cells a hostile or careless export holds: blanks, padding, either decimal mark, grouping, exponents,
# infinities and missing markers, formula text, quotes, non-ASCII text and spaces.
_NUMBERISH = st.one_of(
    st.from_regex(r"[+-]?[0-9]{1,7}([.,][0-9]{0,6})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}([,. \u00a0'][0-9]{3}){1,2}([.,][0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["", " ", "n.a.", "NaN", "nan", "-", "--", "N/A", "inf", "-Infinity", "1e999", "1e-400"]),
    st.sampled_from(["1,5", "1.5", "1.052", "1,052", "1.052,5", "1,052.5", ".5", "5.", "0", "-0", "+0.0"]),
)
_TEXTISH = st.one_of(
    st.sampled_from(["=SUM(A1)", "+A1+1", "-cmd|' /C calc'!A0", "@SUM(A1:A2)", "- not found", "-12.5"]),
    st.sampled_from(["Prüfmuster", "µg/L", "\u00a0pad\u00a0", " tab\t", "İK", "日本"]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=6
    ),
)
_CELL = st.one_of(_NUMBERISH, _TEXTISH)


def _field(cell: str, delimiter: str) -> str:
    needs_quotes = delimiter in cell or '"' in cell or cell.startswith(" ")
    return '"' + cell.replace('"', '""') + '"' if needs_quotes else cell


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cells=st.lists(st.tuples(_NUMBERISH, _NUMBERISH, _CELL, _CELL, _CELL), min_size=1, max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    quote_all=st.booleans(),
    hints=st.sampled_from(list(HINTS.values())),
)
def test_hostile_cells_read_or_are_refused_alike_by_either_path(
    tmp_path: Path,
    cells: list[tuple[str, str, str, str, str]],
    delimiter: str,
    line_end: str,
    bom: bool,
    quote_all: bool,
    hints: ParseHints,
) -> None:
    header = delimiter.join(["Sample ID", "Peak", "RT (min)", "Area", "Height", "Peak Name", "Volume"])
    rows = []
    for n, (rt, area, height, name, volume) in enumerate(cells):
        values = [f"SMP-{n}", str(n % 3 + 1), rt, area, height, name, volume]
        fields = ['"' + v.replace('"', '""') + '"' if quote_all else _field(v, delimiter) for v in values]
        rows.append(delimiter.join(fields))
    path = tmp_path / "run.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + line_end.join([header, *rows, ""]).encode("utf-8"))
    assert_small_path_agrees(path, hints)


_READABLE = st.one_of(
    st.from_regex(r"[+-]?[0-9]{1,5}(\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3})\.[0-9]{1,3}", fullmatch=True),
    st.sampled_from([" 1.5 ", "\u00a02.25", "0", "-0", "+0.0", ".5", "5.", "1e-400", "1.052"]),
)


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cells=st.lists(
        st.tuples(
            _READABLE, _READABLE, st.one_of(_READABLE, st.sampled_from(["", "n.a.", "NaN"])), _TEXTISH, _CELL
        ),
        min_size=1,
        max_size=5,
    ),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    hints=st.sampled_from(list(HINTS.values())),
)
def test_readable_files_with_hostile_text_read_alike_and_mostly_by_the_small_path(
    tmp_path: Path,
    cells: list[tuple[str, str, str, str, str]],
    line_end: str,
    bom: bool,
    hints: ParseHints,
) -> None:
    header = ",".join(["Sample ID", "Peak", "RT (min)", "Area", "Height", "Peak Name", "Volume"])
    rows = [
        ",".join(_field(v, ",") for v in [f"SMP-{n}", str(n % 3 + 1), rt, area, height, name, volume])
        for n, (rt, area, height, name, volume) in enumerate(cells)
    ]
    path = tmp_path / "run.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + line_end.join([header, *rows, ""]).encode("utf-8"))
    assert_small_path_agrees(path, hints)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(
    value=st.one_of(
        st.from_regex(r"\s?[+-]{0,2}[0-9]{0,5}[.,]?[0-9]{0,5}([eE][+-]?[0-9]{1,2})?\s?", fullmatch=True),
        st.from_regex(r"[0-9]{1,3}([., '\u00a0][0-9]{3}){0,2}([.,][0-9]{0,4})?", fullmatch=True),
        st.text(alphabet="0123456789.,+-eE '\u00a0\u0661", max_size=8),
    )
)
def test_the_quick_reading_of_one_mark_gives_the_general_readings_answer(value: str) -> None:
    from parsers._common.numbers import _decimal_mark_of_any, decimal_mark_of

    assert decimal_mark_of(value) == _decimal_mark_of_any(value.strip())
