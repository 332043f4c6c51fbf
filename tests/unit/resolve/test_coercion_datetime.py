"""Datetime field values in the tenant's form: RFC 3339 with an offset, or the 12-hour display form in the
mapping's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ingest.resolve.coercion import CoercionError, coerce
from ingest.resolve.tenant import FieldDef

BERLIN = ZoneInfo("Europe/Berlin")
DATETIME = FieldDef("read_time", "datetime")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T10:15:00", "2026-11-02T10:15:00+01:00"),  # naive: the mapping's zone
        ("2026-07-02T10:15:00", "2026-07-02T10:15:00+02:00"),  # summer time in the same zone
        ("2026-11-02T09:15:00Z", "2026-11-02T09:15:00+00:00"),  # an offset is kept as given
        (dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC), "2026-11-02T10:15:00+00:00"),
        ("2026-11-02 05:14:35 PM", "2026-11-02T17:14:35+01:00"),  # the display form read back
    ],
)
def test_rfc3339_keeps_an_offset_on_every_value(value: object, expected: str) -> None:
    assert coerce(value, DATETIME, zone=BERLIN) == expected
    assert coerce(value, DATETIME, zone=BERLIN, datetime_format="rfc3339") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T17:14:35", "2026-11-02 05:14:35 PM"),
        ("2026-11-02T00:05:00", "2026-11-02 12:05:00 AM"),  # midnight is 12 AM
        ("2026-11-02T12:00:00", "2026-11-02 12:00:00 PM"),  # noon is 12 PM
        ("2026-11-02T09:30:00", "2026-11-02 09:30:00 AM"),
        # An offset other than the zone's is converted into the mapping's zone: the form has no offset.
        ("2026-11-02T16:14:35Z", "2026-11-02 05:14:35 PM"),
        ("2026-11-02T23:30:00-05:00", "2026-11-03 05:30:00 AM"),
        ("2026-11-02T17:14:35.987+01:00", "2026-11-02 05:14:35 PM"),  # whole seconds only
        ("2022-03-18 05:14:35 PM", "2022-03-18 05:14:35 PM"),  # already in the form: unchanged
    ],
)
def test_display_12h_is_written_in_the_mapping_zone(value: str, expected: str) -> None:
    assert coerce(value, DATETIME, zone=BERLIN, datetime_format="display_12h") == expected


def test_multi_datetime_fields_write_every_value_in_the_form() -> None:
    field = FieldDef("times", "datetime", is_multi=True)
    assert coerce(
        ["2026-11-02T08:00:00", None, "2026-11-02T20:00:00"],
        field,
        zone=BERLIN,
        datetime_format="display_12h",
    ) == [
        "2026-11-02 08:00:00 AM",
        "2026-11-02 08:00:00 PM",
    ]


@pytest.mark.parametrize(
    "value", ["2026-11-02 13:14:35 PM", "2026-11-02 00:14:35 AM", "2026-02-30 01:00:00 AM"]
)
def test_an_impossible_display_time_is_refused_with_the_value(value: str) -> None:
    with pytest.raises(CoercionError, match=value):
        coerce(value, DATETIME, zone=BERLIN)


def test_unreadable_text_names_both_forms_it_reads() -> None:
    with pytest.raises(CoercionError, match=r"ISO 8601 date/time \(or 2022-03-18 05:14:35 PM\), got 'soon'"):
        coerce("soon", DATETIME, zone=BERLIN, datetime_format="display_12h")


def test_date_fields_are_not_affected_by_the_datetime_form() -> None:
    field = FieldDef("day", "date")
    assert coerce("2026-11-02T23:30:00", field, zone=BERLIN, datetime_format="display_12h") == "2026-11-02"
