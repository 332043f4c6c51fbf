"""Turning parsed values into the wire values Benchling accepts for each field type.

One function, :func:`coerce`, raising :class:`CoercionError` with a sentence fragment that the
resolver completes with the file, row and field. Datetime values are written in the tenant's
``datetime_format``: RFC 3339 with an offset, or Benchling's 12-hour display form, which carries no
offset and is therefore written in the mapping's time zone. ``storage_link`` and ``entry_link`` values
come out as the text given (a barcode, name, display id or id); ``link_values`` turns them into ids.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from ingest.resolve.link_values import LOOKUP_LINK_TYPES
from ingest.resolve.mapping_file import DatetimeFormat
from ingest.resolve.tenant import ENTITY_LINK_TYPES, FieldDef

NUMERIC_TYPES = frozenset({"float", "integer"})
TEXT_TYPES = frozenset({"text", "long_text"})
_DISPLAY_12H = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ([AaPp])[Mm]$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class CoercionError(ValueError):
    """A value that cannot become the field's type; the message says what was expected."""


def is_missing(value: Any) -> bool:
    """None, NaN, pandas NA and empty text all mean 'no value'."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, (list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def coerce(
    value: Any,
    field: FieldDef,
    *,
    zone: ZoneInfo,
    dropdown_options: Mapping[str, str] | None = None,
    datetime_format: DatetimeFormat = "rfc3339",
) -> Any:
    """The wire value for ``field`` (lists for multi fields), or CoercionError."""
    if field.is_multi:
        items = value if isinstance(value, (list, tuple)) else [value]
        return [
            _coerce_one(v, field, zone, datetime_format, dropdown_options) for v in items if not is_missing(v)
        ]
    if isinstance(value, (list, tuple)):
        raise CoercionError(f"got a list {list(value)!r} but the field takes one value")
    return _coerce_one(value, field, zone, datetime_format, dropdown_options)


def _coerce_one(
    value: Any,
    field: FieldDef,
    zone: ZoneInfo,
    datetime_format: DatetimeFormat,
    options: Mapping[str, str] | None,
) -> Any:
    kind = field.type
    if kind in TEXT_TYPES:
        return _text(value)
    if kind == "float":
        return _float(value)
    if kind == "integer":
        return _integer(value)
    if kind == "boolean":
        return _boolean(value)
    if kind == "date":
        return _date(value, zone)
    if kind == "datetime":
        return format_datetime(_as_datetime(value, zone), zone, datetime_format)
    if kind == "json":
        return _json(value)
    if kind == "dropdown":
        return _dropdown(value, options or {})
    if kind in LOOKUP_LINK_TYPES:
        text = _text(value).strip() if not isinstance(value, (dict, list, tuple)) else ""
        if not text:
            raise CoercionError(f"expected a barcode, name, display id or id (text), got {value!r}")
        return text
    if kind in ENTITY_LINK_TYPES or kind in {"blob_link", "assay_run_link"}:
        if not isinstance(value, str) or not value:
            raise CoercionError(f"expected an id (text) for a {kind} field, got {value!r}")
        return value
    raise CoercionError(f"field type '{kind}' is not supported by benchling-ingest")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise CoercionError(f"expected a number, got the boolean {value!r}")
    if isinstance(value, (int, float)):
        if math.isinf(float(value)):
            raise CoercionError(f"expected a finite number, got {value!r}")
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ".")) if value.count(",") <= 1 else math.nan
        except ValueError:
            number = math.nan
        if math.isnan(number) or math.isinf(number):
            raise CoercionError(f"expected a number, got {value!r}")
        return number
    raise CoercionError(f"expected a number, got {type(value).__name__} {value!r}")


def _integer(value: Any) -> int:
    number = _float(value)
    if not number.is_integer():
        raise CoercionError(f"expected a whole number, got {value!r}")
    return int(number)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise CoercionError(f"expected true/false (or yes/no, 1/0), got {value!r}")


def _as_datetime(value: Any, zone: ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        moment = _parse_display_12h(value.strip()) or _parse_iso(value)
    else:
        raise CoercionError(f"expected a date/time, got {type(value).__name__} {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _parse_iso(value: str) -> dt.datetime:
    text = value.strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CoercionError(
            f"expected an ISO 8601 date/time (or 2022-03-18 05:14:35 PM), got {value!r}"
        ) from exc


def _parse_display_12h(text: str) -> dt.datetime | None:
    """``2022-03-18 05:14:35 PM`` (no offset), parsed by hand: ``%p`` depends on the locale."""
    match = _DISPLAY_12H.match(text)
    if match is None:
        return None
    day, hour, minute, second, half = match.groups()
    if not 1 <= int(hour) <= 12:
        raise CoercionError(f"expected an hour from 1 to 12 before AM/PM, got {text!r}")
    hour24 = int(hour) % 12 + (12 if half.upper() == "P" else 0)
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour24, int(minute), int(second)))
    except ValueError as exc:
        raise CoercionError(f"expected a valid date and time, got {text!r}") from exc


def format_datetime(moment: dt.datetime, zone: ZoneInfo, datetime_format: DatetimeFormat) -> str:
    """``moment`` (timezone-aware) as the tenant takes datetime values.

    ``rfc3339``: ISO 8601 with its offset. ``display_12h``: ``2022-03-18 05:14:35 PM`` in ``zone``
    (the form has no offset, so the time is converted to the mapping's zone; seconds are whole).
    The 12-hour form is written by hand because ``%p`` follows the process locale.
    """
    if datetime_format == "rfc3339":
        return moment.isoformat()
    local = moment.astimezone(zone)
    hour12 = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{local:%Y-%m-%d} {hour12:02d}:{local:%M:%S} {half}"


def _date(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError as exc:
            raise CoercionError(f"expected a date YYYY-MM-DD, got {value!r}") from exc
    return _as_datetime(value, zone).date().isoformat()


def _json(value: Any) -> str:
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError as exc:
            raise CoercionError(f"expected JSON text, got {value!r}") from exc
        return value
    try:
        return json.dumps(value, sort_keys=True, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise CoercionError(f"value {value!r} cannot be written as JSON") from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dropdown(value: Any, options: Mapping[str, str]) -> str:
    text = str(value).strip()
    if text in options.values():
        return text
    by_name = {name.casefold(): option_id for name, option_id in options.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    raise CoercionError(f"{text!r} is not an option of the dropdown; options: {sorted(options)}")
