"""Property-based tests of the shared date and number readers (``parsers._common.dates``/``numbers``).

Any instant written in any of the locale forms an instrument PC may use reads back as that instant;
any number written with either decimal mark and any thousands grouping reads back as that number; and a
file's evidence decides the day/month order and the decimal mark whenever one value shows it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import ParseError
from parsers._common.dates import DateOrder, decide_order, parse_timestamp
from parsers._common.numbers import NumberFormat, decide_number_format, parse_number

FILE = Path("export.txt")

# Examples are drawn from a fixed seed (no run differs from the last) and not timed: a loaded machine
# must not turn a slow example into a failure.
READERS = settings(derandomize=True, deadline=None, database=None)
DAY_FIRST = DateOrder(day_first=True, assumed=False)
MONTH_FIRST = DateOrder(day_first=False, assumed=False)

#: Full month names per language, and the abbreviations locales print (some with a dot).
FULL = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}
SHORT = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "de": "Jan. Feb. Mär. Apr. Mai Jun. Jul. Aug. Sep. Okt. Nov. Dez.",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "es": "ene feb mar abr may jun jul ago sep oct nov dic",
    "it": "gen feb mar apr mag giu lug ago set ott nov dic",
}

instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2080, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


def clock(stamp: dt.datetime, twelve: bool) -> str:
    if not twelve:
        return f"{stamp.hour:02d}:{stamp.minute:02d}:{stamp.second:02d}"
    return (
        f"{stamp.hour % 12 or 12}:{stamp.minute:02d}:{stamp.second:02d} {'PM' if stamp.hour >= 12 else 'AM'}"
    )


@READERS
@given(instants, st.sampled_from(["/", "-", "."]), st.booleans(), st.booleans(), st.booleans())
def test_numeric_dates_in_either_order_and_clock_read_back(
    stamp: dt.datetime, sep: str, day_first: bool, twelve: bool, padded: bool
) -> None:
    day, month = (f"{stamp.day:02d}", f"{stamp.month:02d}") if padded else (str(stamp.day), str(stamp.month))
    if sep == ".":
        day_first = True  # dotted dates are always day first
    date = f"{day}{sep}{month}{sep}{stamp.year}" if day_first else f"{month}{sep}{day}{sep}{stamp.year}"
    order = DAY_FIRST if day_first else MONTH_FIRST
    assert parse_timestamp(f"{date} {clock(stamp, twelve)}", order) == stamp


@READERS
@given(instants, st.booleans(), st.sampled_from([" ", "T"]))
def test_iso_dates_with_either_clock_read_back(stamp: dt.datetime, twelve: bool, sep: str) -> None:
    text = f"{stamp.date().isoformat()}{' ' if twelve else sep}{clock(stamp, twelve)}"
    assert parse_timestamp(text, DAY_FIRST) == stamp
    assert parse_timestamp(text, MONTH_FIRST) == stamp


@READERS
@given(
    instants,
    st.sampled_from(sorted(FULL)),
    st.booleans(),
    st.sampled_from(["lower", "upper", "title"]),
    st.sampled_from(["{d}-{m}-{y}", "{d} {m} {y}", "{d}. {m} {y}", "{d}/{m}/{y}", "{m} {d}, {y}"]),
    st.booleans(),
)
def test_month_names_in_six_languages_read_back(
    stamp: dt.datetime, language: str, full: bool, case: str, layout: str, two_digit_year: bool
) -> None:
    names = (FULL if full else SHORT)[language].split()
    name = getattr(names[stamp.month - 1], case)()
    year = (
        f"{stamp.year % 100:02d}"
        if two_digit_year and stamp.year >= 2000 and "," not in layout
        else stamp.year
    )
    text = f"{layout.format(d=stamp.day, m=name, y=year)} {clock(stamp, twelve=False)}"
    assert parse_timestamp(text, DAY_FIRST) == stamp, text


@READERS
@given(
    instants,
    st.integers(min_value=-14 * 4, max_value=14 * 4),
    st.sampled_from(["{sign}{h:02d}:{m:02d}", "{sign}{h:02d}{m:02d}", "UTC{sign}{h}", "Z"]),
)
def test_an_explicit_offset_is_kept(stamp: dt.datetime, quarters: int, form: str) -> None:
    offset = dt.timedelta(minutes=15 * quarters)
    if form == "Z":
        offset = dt.timedelta(0)
    if form.startswith("UTC"):
        offset = dt.timedelta(hours=int(offset.total_seconds() // 3600))
    minutes = int(abs(offset.total_seconds()) // 60)
    sign = "-" if offset < dt.timedelta(0) else "+"
    written = form.format(sign=sign, h=minutes // 60, m=minutes % 60)
    parsed = parse_timestamp(f"{stamp.isoformat(sep=' ')} {written}", DAY_FIRST)
    assert parsed == stamp.replace(tzinfo=dt.timezone(offset))
    assert isinstance(parsed, dt.datetime) and parsed.utcoffset() == offset


@READERS
@given(st.lists(instants, min_size=1, max_size=8), st.booleans())
def test_every_date_of_a_file_decides_the_order(stamps: list[dt.datetime], day_first: bool) -> None:
    def write(d: dt.datetime) -> str:
        return f"{d.day}/{d.month}/{d.year}" if day_first else f"{d.month}/{d.day}/{d.year}"

    order = decide_order([f"line {i}: {write(d)} {clock(d, False)}" for i, d in enumerate(stamps)])
    if any(d.day > 12 for d in stamps):
        assert (order.day_first, order.assumed) == (day_first, False)
    else:
        assert order.assumed or order.decided_by == ""  # nothing decides: day first is assumed
    assert all(parse_timestamp(f"{write(d)} {clock(d, False)}", order) is not None for d in stamps)


def test_a_file_showing_both_orders_is_refused() -> None:
    with pytest.raises(ParseError, match=r"both day first \('13/1/2024'\) and month first \('1/13/2024'\)"):
        decide_order(["13/1/2024 10:00", "1/13/2024 11:00"], file=FILE)


def written(value: Decimal, mark: str, group: str | None) -> str:
    """``value`` as a locale writes it: ``mark`` as decimal mark, ``group`` between thousands."""
    sign, text = ("-" if value < 0 else ""), f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    if group:
        parts = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = group.join([whole, *parts])
    return f"{sign}{whole}{mark}{fraction}" if fraction else f"{sign}{whole}"


numbers = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False, allow_infinity=False
)
styles = st.sampled_from(
    [
        (".", None),
        (",", None),
        (".", ","),
        (",", "."),
        (",", " "),
        (",", "\u00a0"),
        (".", "'"),
        (",", "\u202f"),
    ]
)


@READERS
@given(numbers, styles)
def test_a_number_written_in_any_locale_reads_back(value: Decimal, style: tuple[str, str | None]) -> None:
    mark, group = style
    text = written(value, mark, group)
    fmt = NumberFormat(mark)  # type: ignore[arg-type]  # "." or ","
    assert parse_number(text, file=FILE, number_format=fmt) == float(value)


@READERS
@given(st.lists(numbers, min_size=1, max_size=20), styles)
def test_a_column_with_one_telling_value_decides_its_decimal_mark(
    values: list[Decimal], style: tuple[str, str | None]
) -> None:
    mark, group = style
    texts = [written(v, mark, group) for v in values]
    decided = decide_number_format(texts)
    telling = [t for t in texts if decide_number_format([t]).decimal is not None]
    if telling:
        assert decided.decimal == mark
        assert [parse_number(t, file=FILE, number_format=decided) for t in texts] == [
            float(v) for v in values
        ]
    else:
        assert decided.decimal is None


@READERS
@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from([".", ","]),
)
def test_a_lone_grouped_thousand_is_refused_when_nothing_decides(high: int, low: int, mark: str) -> None:
    text = f"{high}{mark}{low:03d}"
    with pytest.raises(ParseError, match="nothing in the file shows which mark is the decimal one"):
        parse_number(text, file=FILE, line=3, column="Area", number_format=NumberFormat(None))
    hinted = decide_number_format([text], hint="comma" if mark == "," else "point")
    assert parse_number(text, file=FILE, number_format=hinted) == float(f"{high}.{low:03d}")
