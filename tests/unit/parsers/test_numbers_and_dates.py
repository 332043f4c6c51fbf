"""``parsers._common.numbers`` and ``parsers._common.dates``: locale-written numbers and dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.errors import ParseError
from parsers._common.dates import decide_order, parse_month_name_datetime, parse_timestamp
from parsers._common.numbers import MISSING_MARKERS, is_decimal, parse_number

FILE = Path("export.txt")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", 1.5),
        ("1,5", 1.5),
        (" -0,25 ", -0.25),
        ("3.81904e-3", 0.00381904),
        (",5", 0.5),
        ("1\u00a0000", 1000.0),
    ],
)
def test_parse_number_reads_a_point_or_a_comma(raw: str, expected: float) -> None:
    assert parse_number(raw, file=FILE) == expected


@pytest.mark.parametrize("marker", sorted(MISSING_MARKERS))
def test_missing_markers_are_none(marker: str) -> None:
    assert parse_number(marker.upper(), file=FILE) is None


def test_a_thousands_separator_is_reported_with_file_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_number("1,234.5", file=FILE, line=7, column="Area")
    assert str(info.value) == (
        "Unable to read '1,234.5' as a number in 'export.txt' line 7 column 'Area'. "
        "Expected a decimal number (point or comma as the decimal mark)."
    )


def test_is_decimal_accepts_padding_and_rejects_text() -> None:
    assert is_decimal(" 0,0083 ") and is_decimal("-1e5")
    assert not is_decimal("n.a.") and not is_decimal("1.2.3")


def test_day_or_month_first_is_decided_by_any_unambiguous_date_of_the_file() -> None:
    order = decide_order(["02/08/2023 16:11:10", "21/08/2024 11:58:54"])
    assert (order.day_first, order.assumed) == (True, False)
    assert parse_timestamp("02/08/2023 16:11:10", order) == dt.datetime(2023, 8, 2, 16, 11, 10)
    us = decide_order(["3/10/2022 9:53:59 PM"])
    assert parse_timestamp("3/10/2022 9:53:59 PM", us) == dt.datetime(2022, 3, 10, 21, 53, 59)
    assert decide_order(["01/02/2023"]).assumed


def test_month_name_dates_in_english_and_german() -> None:
    assert parse_month_name_datetime("28-Jan-22, 11:36:29") == dt.datetime(2022, 1, 28, 11, 36, 29)
    assert parse_month_name_datetime("07-Mär-2023 14:02") == dt.datetime(2023, 3, 7, 14, 2)
    assert parse_month_name_datetime("07-Xyz-23, 14:02:11") is None
    assert parse_month_name_datetime("31-Feb-23, 10:00:00") is None
    assert parse_month_name_datetime("2023-03-07 14:02:11") is None
