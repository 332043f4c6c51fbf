"""Dates as instrument PCs write them: in the Windows short-date format of the acquiring PC.

Shared by the Shimadzu ASCII, Chromeleon text and Empower ARW parsers, which meet the same locale formats,
and (month-name dates) by the ChemStation reports.

Seen in the wild: ``02/08/2023 16:11:10`` (day first), ``3/10/2022 9:53:59 PM`` (US, month first),
``21.2.2012. 13:16:57`` (Croatian, trailing dot) and ISO ``2023-08-02 16:11:10``. A slashed date is
ambiguous on its own, so the day/month order is decided once per file from every date it holds.
ChemStation also writes a month-name date, ``28-Jan-22, 11:36:29``, with English or German month
abbreviations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_DATE_TIME = re.compile(
    r"^\s*(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?\s*$"
)


@dataclass(frozen=True)
class DateOrder:
    """How slashed dates of one file are read; ``assumed`` when nothing in the file decides it."""

    day_first: bool
    assumed: bool


def decide_order(values: Iterable[str]) -> DateOrder:
    """Day-first or month-first for a file's slashed dates, from any unambiguous value in it."""
    slashed = [m for m in (_DATE_TIME.match(v) for v in values) if m and m["sep"] == "/"]
    for match in slashed:
        if int(match["a"]) > 12:
            return DateOrder(day_first=True, assumed=False)
        if int(match["b"]) > 12:
            return DateOrder(day_first=False, assumed=False)
    # A 12-hour clock is the US locale's habit, which also writes the month first.
    if any(match["ampm"] for match in slashed):
        return DateOrder(day_first=False, assumed=False)
    return DateOrder(day_first=True, assumed=bool(slashed))


def parse_timestamp(value: str, order: DateOrder) -> dt.datetime | dt.date | None:
    """A datetime (or date when no time is given), or None when ``value`` is not a recognised date."""
    match = _DATE_TIME.match(value)
    if not match:
        return None
    a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
    if match["sep"] == "-" or len(match["a"]) == 4:
        year, month, day = a, b, c
    elif match["sep"] == "." or order.day_first:
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year += 2000
    try:
        date = dt.date(year, month, day)
        if match["h"] is None:
            return date
        hour = int(match["h"])
        if match["ampm"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        return dt.datetime(year, month, day, hour, int(match["mi"]), int(match["s"] or 0))
    except ValueError:
        return None


#: Month abbreviations of month-name dates ("28-Jan-22, 11:36:29"), English and German.
MONTH_ABBREVIATIONS: dict[str, int] = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), start=7)},
    "mär": 3,
    "mrz": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,
}

_MONTH_NAME_DATE = re.compile(
    r"^(?P<d>\d{1,2})-(?P<mon>[A-Za-zÄäÖöÜü]{3})-(?P<y>\d{2}|\d{4}),?\s+(?P<t>\d{1,2}:\d{2}(?::\d{2})?)$"
)


def parse_month_name_datetime(value: str) -> dt.datetime | None:
    """A ``28-Jan-22, 11:36:29`` date and time (two- or four-digit year), or None when ``value`` is not one.

    ``value`` is expected trimmed, with single spaces.
    """
    match = _MONTH_NAME_DATE.match(value)
    if not match:
        return None
    month = MONTH_ABBREVIATIONS.get(match["mon"].lower())
    if month is None:
        return None
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    clock = [int(part) for part in match["t"].split(":")] + [0]
    try:
        return dt.datetime(year, month, int(match["d"]), clock[0], clock[1], clock[2])
    except ValueError:
        return None
