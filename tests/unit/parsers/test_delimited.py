"""``parsers._common.delimited``: rows keep their file line numbers; splitting honours quotes."""

from __future__ import annotations

import csv

import pytest

from parsers._common.delimited import (
    Row,
    choose_delimiter,
    numbered_rows,
    split_quoted,
    without_trailing_empty,
)


def test_numbered_rows_skip_blank_lines_but_keep_the_file_line_numbers() -> None:
    lines = ['"Sample","A, B"', "", "  ", "1,2"]
    assert numbered_rows(lines, ",") == [Row(1, ("Sample", "A, B")), Row(4, ("1", "2"))]


def test_split_quoted_strict_reports_unbalanced_quotes() -> None:
    assert split_quoted('a\t"b\tc"', "\t") == ["a", "b\tc"]
    with pytest.raises(csv.Error):
        split_quoted('a,"b', ",", strict=True)


def test_trailing_blank_cells_are_dropped_and_inner_ones_kept() -> None:
    assert without_trailing_empty(["1", "", "2", "", " \t"]) == ["1", "", "2"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Sample ID,RT (min),Area", ","),
        ("Sample ID;RT (min);Area", ";"),
        ("Sample ID\tRT (min)\tArea", "\t"),
        ('"Peak; name",RT,Area', ","),  # a delimiter inside quotes does not count
        ("SampleID", ","),  # nothing splits it: the first candidate
    ],
)
def test_choose_delimiter_counts_outside_quotes(header: str, expected: str) -> None:
    assert choose_delimiter(header) == expected
