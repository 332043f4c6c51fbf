"""Run metadata of a Chromeleon text export, from the key/value sections of every version.

7.2 writes ``Injection``, ``Injection Number``, ``Injection Date`` + ``Injection Time``, ``Injection
Volume (µl)``; 7.3+ writes ``Name``, ``Number``, ``Inject Time`` (date, time and UTC offset in one),
``Volume`` and ``URL``; the "Chromatogram and Results" report writes ``Injection Name:``, ``Vial
Number:``, ``Injection Date/Time:``; 6.x writes ``Sample``, ``Sample Number``, ``Date`` + ``Time``. Every
known key maps to the normalized metadata; every other key is kept under its own snake_case name.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ParseError
from ingest.models import Scalar
from parsers._common.dates import DateReader
from parsers._common.numbers import NumberFormat, parse_number
from parsers._common.run_metadata import add_unmapped, missing_expected
from parsers.thermo_chromeleon_txt import constants as c
from parsers.thermo_chromeleon_txt.reader import unit_of

#: ``normalized key -> (original key, value, line)``, as :func:`reader.key_values` gives it.
Info = dict[str, tuple[str, str, int]]


def sequence_name(path: str) -> str | None:
    """The sequence name in a path: ``HPLC\\Daten\\20230131 Nr.23-25.SEQ`` -> ``20230131 Nr.23-25``."""
    # 7.x exports name the sequence only inside the chrom:// path: ".../<name>.seq/<n>.smp/..."
    for part in reversed(path.replace("\\", "/").split("/")):
        if part.lower().endswith(".seq"):
            return part[: -len(".seq")] or None
    return None


def _first(info: Info, keys: tuple[str, ...]) -> tuple[str, str, int] | None:
    return next((info[k] for k in keys if k in info and info[k][1]), None)


def read_metadata(
    info: Info, *, file: Path, dates: DateReader, number_format: NumberFormat, consumed: set[str]
) -> tuple[dict[str, Scalar], list[str]]:
    """Metadata and warnings; ``consumed`` holds normalized keys other parts of the parser used."""
    used = set(consumed)
    meta: dict[str, Scalar] = {}
    for target, keys in c.TEXT_FIELDS.items():
        found = next((k for k in keys if k in info and info[k][1]), None)
        if found is not None:
            meta[target] = info[found][1]
            used.add(found)
    paths = [
        info[k][1] for k in c.PATH_KEYS if k in info
    ]  # kept raw too (file_path, url): they locate the data
    sequence = sequence_name(str(meta.get("sequence", ""))) or next(
        (name for name in map(sequence_name, paths) if name), None
    )
    if sequence:
        meta["sequence"] = sequence
    stamp = _injection_time(info, file=file, dates=dates, used=used)
    if stamp is not None:
        meta["injection_time"] = stamp
    volume = _first(info, c.VOLUME_KEYS)
    if volume:
        used.update(k for k in c.VOLUME_KEYS if k in info)
        meta["injection_volume"] = parse_number(
            volume[1], file=file, line=volume[2], column=volume[0], number_format=number_format
        )
        unit = unit_of(volume[0])
        # Chromeleon writes "µl"; the normalized unit is "µL".
        meta["injection_volume_unit"] = unit.replace("l", "L") if unit else "µL"
    for key, target in c.NUMBER_FIELDS.items():
        field = info.get(key)
        if field and field[1] and target not in meta:
            used.add(key)
            meta[target] = parse_number(
                field[1], file=file, line=field[2], column=field[0], number_format=number_format
            )
    add_unmapped(meta, ((original, value) for key, (original, value, _) in info.items() if key not in used))
    warnings = missing_expected(meta, c.EXPECTED, file=file)
    warnings.extend(dates.warnings)
    return meta, warnings


def _injection_time(info: Info, *, file: Path, dates: DateReader, used: set[str]) -> str | None:
    combined = _first(info, c.DATE_TIME_KEYS)
    date = _first(info, c.DATE_KEYS)
    time = _first(info, c.TIME_KEYS)
    used.update(k for k in (*c.DATE_TIME_KEYS, *c.DATE_KEYS, *c.TIME_KEYS) if k in info)
    if combined:
        key, text, line = combined
    elif date:
        key, line = date[0], date[2]
        text = f"{date[1]} {time[1]}" if time and ":" not in date[1] else date[1]
    elif time and any(ch in time[1] for ch in "./-"):
        key, text, line = time  # 7.3's "Injection Time" may hold the date too
    else:
        return None
    try:
        return dates.read(text, line=line, column=key).isoformat()
    except ParseError:
        raise ParseError(
            f"Unable to read injection date {text!r} in '{file}' line {line}. Expected a date such as "
            "'26.05.2017' and a time such as '16:52:02', or both with an offset "
            "('21.09.2021 16:08:11 +02:00').",
            file=file,
            line=line,
            column=key,
        ) from None
