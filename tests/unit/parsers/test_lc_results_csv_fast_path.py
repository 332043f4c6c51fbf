"""lc_results_csv's fast path against its general path on files made to sit at the edge of what it reads:
either both give the same ParsedFile, or both refuse with the same message; and the plain ones are read by
the fast path."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.models import ParseHints
from parsers.lc_results_csv.plain_reader import HEAD_BYTES
from tests.support.lc_paths import assert_paths_agree

HEADER = "Sample ID,Injection Date,Instrument,Method,Peak,RT (min),Area,Height"
ROWS = [
    "SMP-001,2026-11-02 09:15,HPLC-01,M1,1,0.5,120.25,10.5",
    "SMP-001,2026-11-02 09:15,HPLC-01,M1,2,1.25,1052.125,98.5",
]


def write(tmp_path: Path, text: str, *, name: str = "run.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table(header: str = HEADER, rows: list[str] | None = None, end: str = "\n") -> str:
    return end.join([header, *(ROWS if rows is None else rows)]) + end


def with_cell(column: int, value: str) -> list[str]:
    """ROWS with the second row's cell ``column`` replaced by ``value``."""
    cells = ROWS[1].split(",")
    cells[column] = value
    return [ROWS[0], ",".join(cells)]


PLAIN = {
    "lf": table(),
    "crlf": table(end="\r\n"),
    "bom": "\ufeff" + table(),
    "quoted cells": table(rows=[ROWS[0], 'SMP-002,2026-11-02 09:15,HPLC-01,M1,2,"1.25","7.5",8']),
    "a value over two lines": table(
        rows=[ROWS[0], "SMP-002,2026-11-02 09:15,HPLC-01,M1,2,1.25,7.5,8"]
    ).replace("SMP-002", '"SMP\n002"'),
    "blank lines": table(rows=[ROWS[0], "", ROWS[1], ""]),
    "signs and exponents": table(rows=[ROWS[0], *with_cell(6, "+1.5E+03")[1:]]),
    "a point at either end": table(rows=[with_cell(6, ".5")[1], with_cell(7, "5.")[1]]),
    "a trailing space": table(rows=[ROWS[0], *with_cell(6, "7.5 ")[1:]]),
    "blank height": table(rows=[ROWS[0], *with_cell(7, "")[1:]]),
    "rt in seconds": table(header=HEADER.replace("RT (min)", "RT (s)")),
    "units in headers": table(
        header=HEADER.replace("Area", "Area [mAU*s]").replace("Height", "Height (mAU)")
    ),
    "numeric extra": table(header=HEADER + ",Injection Volume", rows=[r + ",5.0" for r in ROWS]),
    "numeric extra with markers": table(
        header=HEADER + ",Injection Volume", rows=[ROWS[0] + ",n.a.", ROWS[1] + ", 5.5 "]
    ),
    "text extra": table(header=HEADER + ",Comment", rows=[ROWS[0] + ",ok", ROWS[1] + ",re-run"]),
    "blank extra": table(header=HEADER + ",Comment", rows=[ROWS[0] + ",", ROWS[1] + ","]),
    "unnamed column with values": table(header=HEADER + ",", rows=[ROWS[0] + ",1", ROWS[1] + ",2"]),
    "trailing delimiter": table(header=HEADER + ",", rows=[ROWS[0] + ",", ROWS[1] + ","]),
    "signed zeros in an extra": table(header=HEADER + ",Offset", rows=[ROWS[0] + ",0.0", ROWS[1] + ",-0.0"]),
    "formula text": table(rows=[ROWS[0].replace("SMP-001", "=HYPERLINK(1)"), ROWS[1]]),
    "an extra holding inf (text)": table(
        header=HEADER + ",Volume", rows=[ROWS[0] + ",1.5", ROWS[1] + ",inf"]
    ),
    "locale date": table().replace("2026-11-02 09:15", "02.11.2026 09:15"),
    "chromatogram column without the file": table(
        header=HEADER + ",Chromatogram", rows=[r + ",missing_trace.csv" for r in ROWS]
    ),
}

DECLINED_OR_REFUSED = {
    "only ambiguous numbers": table(
        rows=[
            "SMP-001,2026-11-02 09:15,HPLC-01,M1,1,1.052,120.250,10.500",
            "SMP-001,2026-11-02 09:15,HPLC-01,M1,2,2.104,240.500,20.250",
        ]
    ),
    "grouped thousands": table(rows=[ROWS[0], *with_cell(6, '"1,052.5"')[1:]]),
    "decimal comma": table(rows=[ROWS[0], *with_cell(6, '"7,5"')[1:]]),
    "a non-breaking space": table(rows=[ROWS[0], *with_cell(6, "\u00a07.5")[1:]]),
    "NaN area": table(rows=[ROWS[0], *with_cell(6, "NaN")[1:]]),
    "n.a. height": table(rows=[ROWS[0], *with_cell(7, "n.a.")[1:]]),
    "infinite area": table(rows=[ROWS[0], *with_cell(6, "inf")[1:]]),
    "overflowing area": table(rows=[ROWS[0], *with_cell(6, "1e400")[1:]]),
    "blank rt": table(rows=[ROWS[0], *with_cell(5, "")[1:]]),
    "fractional peak": table(rows=[ROWS[0], *with_cell(4, "2.5")[1:]]),
    "text in area": table(rows=[ROWS[0], *with_cell(6, "big")[1:]]),
    "ragged row": table(rows=[ROWS[0], ROWS[1] + ",9"]),
    "unclosed quote": table(rows=[ROWS[0], ROWS[1].replace("SMP-001", '"SMP-001')]),
    "header only": HEADER + "\n",
    "cr line ends": table(end="\r"),
    "a lone cr inside": table().replace("\n", "\r", 1),
    "two instruments": table(rows=[ROWS[0], ROWS[1].replace("HPLC-01", "HPLC-02")]),
    "latin-1 name": table(rows=[ROWS[0].replace("SMP-001", "Prüfmuster"), ROWS[1]]),
    "duplicate header": table(header=HEADER + ",Area", rows=[r + ",1" for r in ROWS]),
    "no area column": table(header=HEADER.replace("Area", "Volume")),
    "formula text refused": table(rows=[ROWS[0].replace("SMP-001", "=HYPERLINK(1)"), ROWS[1]]),
}


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_file_is_read_by_the_fast_path_as_the_general_path_reads_it(
    tmp_path: Path, text: str
) -> None:
    assert assert_paths_agree(write(tmp_path, text))


@pytest.mark.parametrize("text", DECLINED_OR_REFUSED.values(), ids=DECLINED_OR_REFUSED.keys())
def test_a_file_off_the_fast_path_reads_or_is_refused_as_the_general_path_does(
    tmp_path: Path, text: str
) -> None:
    encoding = "latin-1" if "Prüf" in text else "utf-8"
    hints = ParseHints(formula_text="refuse") if "=HYPERLINK" in text else ParseHints()
    assert not assert_paths_agree(write(tmp_path, text, encoding=encoding), hints)


@pytest.mark.parametrize("decimal", [None, "point", "comma"])
def test_the_sites_decimal_setting_changes_neither_path_alone(tmp_path: Path, decimal: str | None) -> None:
    for name, text in (
        ("plain.csv", table()),
        ("ambiguous.csv", DECLINED_OR_REFUSED["only ambiguous numbers"]),
    ):
        assert_paths_agree(write(tmp_path, text, name=name), ParseHints(decimal=decimal))  # type: ignore[arg-type]  # a Literal


_CELL = st.one_of(
    st.from_regex(r"[+-]?[0-9]{1,7}(\.[0-9]{0,6})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){1,2}(\.[0-9]{1,3})?", fullmatch=True).map(lambda v: f'"{v}"'),
    st.from_regex(r" ?[0-9]{1,4}\.[0-9]{1,4} ?", fullmatch=True),
    st.sampled_from(["", "n.a.", "NaN", "-", "inf", "1.052", "0.5", "12,5", ".5", "5.", "abc"]),
)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cells=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=6),
    decimal=st.sampled_from([None, "point", "comma"]),
)
def test_any_numbers_read_the_same_by_either_path(
    tmp_path: Path, cells: list[tuple[str, str, str]], decimal: str | None
) -> None:
    rows = [f"SMP-{n},{n % 3 + 1},{rt},{area},{extra}" for n, (rt, area, extra) in enumerate(cells)]
    path = write(tmp_path, "\n".join(["Sample ID,Peak,RT (min),Area,Volume", *rows]) + "\n")
    assert_paths_agree(path, ParseHints(decimal=decimal))  # type: ignore[arg-type]  # a Literal


def big_table(last_row: str | None = None) -> str:
    """A file longer than the head the fast path reads first (so it reads the rest as it converts it),
    with ``last_row`` at the end, past the sample rows the decimal mark is seen in."""
    rows = [
        f"SMP-{n:05d},2026-11-02 09:15,HPLC-01,M1,{n % 9 + 1},{n % 97 / 8},{n * 1.5 + 0.25},{n}"
        for n in range(6000)
    ]
    assert len("\n".join(rows)) > HEAD_BYTES
    return table(rows=[*rows, *([last_row] if last_row is not None else [])])


LATE = {
    "nothing late": None,
    "NaN": "SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,NaN,1",
    "a decimal comma": 'SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,"7,5",1',
    "grouped thousands": 'SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,"1,052.5",1',
    "a ragged row": "SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,7.5,1,1",
    "an unclosed quote": 'SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,7.5,"1',
    "a blank area": "SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,,1",
    "a padded height": "SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,7.5,\t 1.5 ",
    "a NUL byte": "SMP-9,2026-11-02 09:15,HPLC-01,M1,1,0.5,7.5,1\x00",
    "latin-1 text": "Prüf,2026-11-02 09:15,HPLC-01,M1,1,0.5,7.5,1",
}


#: What the fast path still reads of ``LATE``: the rest is left to the general path.
LATE_AND_PLAIN = ("nothing late", "a padded height")


@pytest.mark.parametrize("case", LATE)
def test_a_file_longer_than_the_head_reads_the_same_by_either_path(tmp_path: Path, case: str) -> None:
    last_row = LATE[case]
    encoding = "latin-1" if last_row and "Prüf" in last_row else "utf-8"
    fast = assert_paths_agree(write(tmp_path, big_table(last_row), encoding=encoding))
    assert fast == (case in LATE_AND_PLAIN)
