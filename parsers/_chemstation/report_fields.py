"""ChemStation report header fields -> normalized run metadata (the same fields in both report kinds).

Both report kinds print the same header fields (Sample Name, Acq. Instrument, Injection Date,
Location, Inj, Inj Volume, Sequence File, ...); the CSV report splits paths into folder and file name
and puts units in a third column, the text report prints them in one value. Readers hand this module
``canonical key -> (value, unit)`` and get normalized metadata plus warnings back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import PureWindowsPath

from ingest.models import Scalar
from parsers._common.dates import parse_month_name_datetime

#: A header field as exported: its value and (CSV report only) the unit or file-name column.
RawField = tuple[str, str]

# Tried in order. Slash dates with AM/PM are US month-first; 24-hour slash dates are read day-first
# (UK/EU Windows locales), falling back to month-first when the day-first reading is impossible.
_DATE_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
_VOLUME = re.compile(r"^(?P<number>[+-]?\d+(?:[.,]\d+)?)\s*(?P<unit>\S.*)?$")


def parse_report_date(text: str) -> dt.datetime | None:
    """A ChemStation date/time in any of its locale formats, or None when none fits."""
    value = re.sub(r"\s+", " ", text.strip())
    month_name = parse_month_name_datetime(value)
    if month_name is not None:
        return month_name
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def file_name(path_text: str) -> str | None:
    """The last component of a Windows path, without a trailing note like ``(Sequence Method)``."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", path_text.strip()).rstrip("\\/")
    name = PureWindowsPath(text).name if text else ""
    return name or None


def _text(raw: Mapping[str, RawField], key: str) -> str | None:
    field = raw.get(key)
    if field is None:
        return None
    value = field[0].strip()
    return value or None


def _path(raw: Mapping[str, RawField], key: str) -> str | None:
    # CSV report: folder in the value column, file name in the third; text report: one value.
    field = raw.get(key)
    if field is None:
        return None
    joined = field[0].strip() + field[1].strip()
    return joined or None


def _whole_number(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def normalize_metadata(
    raw: Mapping[str, RawField], *, file_label: str
) -> tuple[dict[str, Scalar], list[str]]:
    """Normalized metadata (keys of ``ingest.contract.METADATA_KEYS`` plus ChemStation extras) and warnings.

    ``raw`` is keyed by :func:`parsers._chemstation.names.canonical_name` of the exported field names.
    """
    warnings: list[str] = []
    meta: dict[str, Scalar] = {}
    meta["sample_name"] = _text(raw, "samplename")
    meta["instrument"] = _text(raw, "acq.instrument")
    meta["operator"] = _text(raw, "acq.operator")

    injected = _text(raw, "injectiondate")
    meta["injection_time"] = None
    if injected is not None:
        stamp = parse_report_date(injected)
        if stamp is None:
            warnings.append(
                f"Injection Date {injected!r} in '{file_label}' is in no known ChemStation date format; "
                "injection_time is left empty and the text kept as injection_date_text."
            )
            meta["injection_date_text"] = injected
        else:
            meta["injection_time"] = stamp.isoformat()

    method = _path(raw, "acq.method") or _path(raw, "method") or _path(raw, "analysismethod")
    meta["method"] = file_name(method) if method else None
    candidates = (_path(raw, "method"), _path(raw, "analysismethod"), method)
    method_path = next((p for p in candidates if p and ("\\" in p or "/" in p)), None)

    volume_field = raw.get("injvolume")
    meta["injection_volume"] = None
    meta["injection_volume_unit"] = None
    if volume_field is not None and volume_field[0].strip():
        match = _VOLUME.match(volume_field[0].strip())
        if match:
            meta["injection_volume"] = float(match["number"].replace(",", "."))
            meta["injection_volume_unit"] = (match["unit"] or volume_field[1]).strip() or None
        else:
            # "Inj Volume : Manually" is what ChemStation prints for a manual injection.
            warnings.append(
                f"Inj Volume {volume_field[0].strip()!r} in '{file_label}' is not a number; "
                "injection_volume is left empty."
            )

    sequence_path = _path(raw, "sequencefile")
    meta["sequence"] = file_name(sequence_path) if sequence_path else None
    location = _text(raw, "location")
    # The text report prints "Vial 9" where the CSV report writes 9.
    meta["vial"] = re.sub(r"^vial\s+", "", location, flags=re.IGNORECASE) if location else None
    meta["injection"] = _text(raw, "inj")

    data_file = _path(raw, "datafile")
    meta["data_file"] = file_name(data_file) if data_file else None
    meta["sequence_line"] = _whole_number(_text(raw, "seq.line"))
    meta["sample_info"] = _text(raw, "sampleinfo")
    meta["method_info"] = _text(raw, "methodinfo")
    meta["sequence_path"] = sequence_path
    meta["method_path"] = method_path
    return {k: v for k, v in meta.items() if v is not None or k in _ALWAYS}, warnings


#: Normalized keys present (possibly None) in every ChemStation ParsedFile.
_ALWAYS = frozenset(
    {
        "sample_name",
        "injection_time",
        "instrument",
        "method",
        "injection_volume",
        "injection_volume_unit",
        "operator",
        "sequence",
        "vial",
        "injection",
    }
)
