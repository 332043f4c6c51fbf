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

from ingest.contract import METADATA_KEYS
from ingest.errors import ParseError
from ingest.models import Scalar
from parsers._common.dates import DateReader, parse_month_name_datetime
from parsers._common.run_metadata import add_unmapped, missing_expected

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


def parse_report_date(text: str, dates: DateReader | None = None) -> dt.datetime | None:
    """A ChemStation date/time in any of its locale formats, or None when none fits.

    With ``dates``, the shared reader decides (day/month order of the whole report, month names in six
    languages, 12-hour ISO dates, UTC offsets).
    """
    value = re.sub(r"\s+", " ", text.strip())
    if dates is not None:
        try:
            stamp = dates.read(value)
        except ParseError:
            return None
        return stamp if isinstance(stamp, dt.datetime) else dt.datetime(stamp.year, stamp.month, stamp.day)
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


def _joined(field: RawField) -> str:
    # The CSV report splits a path into folder (value) and file name (unit column).
    value, unit = field[0].strip(), field[1].strip()
    if not unit:
        return value
    return f"{value}{unit}" if value.endswith(("\\", "/")) else f"{value} {unit}".strip()


def _whole_number(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


#: Fields :func:`normalize_metadata` maps (canonical names); every other one is kept raw.
_MAPPED = frozenset(
    {
        "samplename",
        "acq.instrument",
        "acq.operator",
        "injectiondate",
        "acq.method",
        "method",
        "analysismethod",
        "injvolume",
        "sequencefile",
        "location",
        "inj",
        "datafile",
        "seq.line",
        "sampleinfo",
        "methodinfo",
    }
)
#: Fields that declare a report's structure, not the run.
_STRUCTURE = re.compile(r"^(numberofsignals|numberofcolumns|signal\d+|column\d+)$")
#: Metadata every report should give, and where it is looked for (missing ones are warnings).
_EXPECTED = {"sample_name": "'Sample Name'", "injection_time": "'Injection Date'"}


def normalize_metadata(
    raw: Mapping[str, RawField],
    *,
    file_label: str,
    dates: DateReader | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[dict[str, Scalar], list[str]]:
    """Normalized metadata (keys of ``ingest.contract.METADATA_KEYS`` plus ChemStation extras) and warnings.

    ``raw`` is keyed by :func:`parsers._chemstation.names.canonical_name` of the exported field names;
    ``names`` gives each one's name as exported, and every field not mapped is then kept under it.
    ``dates`` reads the injection date with the day/month order of the whole report (and the site's
    setting); without it, the order follows the date's own form as in earlier releases.
    """
    warnings: list[str] = []
    meta: dict[str, Scalar] = {}
    meta["sample_name"] = _text(raw, "samplename")
    meta["instrument"] = _text(raw, "acq.instrument")
    meta["operator"] = _text(raw, "acq.operator")

    injected = _text(raw, "injectiondate")
    meta["injection_time"] = None
    if injected is not None:
        stamp = parse_report_date(injected, dates)
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
    kept = {k: v for k, v in meta.items() if v is not None or k in _ALWAYS}
    if names is not None:
        fields = (
            (names.get(key, key), _joined(value))
            for key, value in raw.items()
            if key not in _MAPPED and not _STRUCTURE.match(key)
        )
        add_unmapped(kept, fields)
        warnings.extend(missing_expected(kept, _EXPECTED, file=file_label))
    if dates is not None:
        warnings.extend(dates.warnings)
    return kept, warnings


#: Normalized keys present (possibly None) in every ChemStation ParsedFile (a report has no sample id).
_ALWAYS = frozenset(METADATA_KEYS) - {"sample_id"}
