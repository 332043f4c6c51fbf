"""The dates of a TotalChrom report header: the PC's short date, day/month order decided for the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

from ingest.errors import ParseError
from parsers._common.dates import (
    DateOrderSetting,
    ambiguity_warning,
    decide_order,
    is_ambiguous,
    parse_timestamp,
)
from parsers.perkinelmer_totalchrom_tx0 import constants as c

_DASH_DATE = re.compile(r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})(.*)$")


def _dash_date_as_slashed(value: str) -> str:
    # TotalChrom writes the PC's short date; with dashes and the year last it is day-month or
    # month-day, which the shared reader decides for slashed dates.
    match = _DASH_DATE.match(value)
    return f"{match[1]}/{match[2]}/{match[3]}{match[4]}" if match else value


def read_dates(
    dates: Mapping[str, tuple[str, int]],
    *,
    file: Path,
    warnings: list[str],
    date_order: DateOrderSetting | None = None,
) -> dict[str, str]:
    """``injection_time`` and ``report_time`` (ISO) from the header's (text, line) dates by key; a
    warning when the acquisition date is ambiguous and nothing in the file or the site's setting
    decided its order."""
    order = decide_order((_dash_date_as_slashed(text) for text, _ in dates.values()), hint=date_order)
    read: dict[str, str] = {}
    for key, target in ((c.ACQUISITION_KEY, "injection_time"), (c.REPORT_DATE_KEY, "report_time")):
        if key not in dates:
            continue
        value, line = dates[key]
        stamp: dt.datetime | dt.date | None = parse_timestamp(_dash_date_as_slashed(value), order)
        if stamp is None:
            raise ParseError(
                f"Unable to read the date {value!r} in '{file}' line {line}. "
                "Expected a date and time such as '09-10-2024 15:24:19' or '10/9/2024 3:24:19 PM'.",
                file=file,
                line=line,
            )
        read[target] = stamp.isoformat()
    acquired = dates.get(c.ACQUISITION_KEY)
    if acquired and order.assumed and is_ambiguous(_dash_date_as_slashed(acquired[0])):
        warnings.append(ambiguity_warning(acquired[0], order, file=file))
    return read
