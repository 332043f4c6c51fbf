"""Run-level metadata of a Shimadzu ASCII export, under the normalized keys of ``ingest.contract``.

Known keys of the key/value sections are mapped; every other key is kept under its own snake_case name
(values of several cells, as ``[Configuration]`` writes per detector, joined with ", "). Dates follow
the acquiring PC's locale: the day/month order comes from every date in the file, else the site's
``date_order``.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ParseError
from ingest.models import Scalar
from parsers._common.dates import DateReader
from parsers._common.numbers import NumberFormat, parse_number
from parsers._common.run_metadata import add_unmapped, missing_expected
from parsers.shimadzu_labsolutions_ascii import constants as c
from parsers.shimadzu_labsolutions_ascii.reader import ShimadzuText, normalize_key
from parsers.shimadzu_labsolutions_ascii.tables import key_values


def _windows_name(path: str) -> str:
    """The last component of a Windows path written by the instrument PC (never resolved locally)."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _stem(path: str) -> str | None:
    name = _windows_name(path)
    if not name:
        return None
    return name.rsplit(".", 1)[0] if "." in name else name


#: (section, key) pairs the mapping below reads; every other field is kept raw.
_MAPPED = {
    (c.SECTION_SAMPLE, "sample name"),
    (c.SECTION_SAMPLE, "sample id"),
    (c.SECTION_SAMPLE, "operator name"),
    (c.SECTION_SAMPLE, "vial#"),
    (c.SECTION_SAMPLE, "vial"),
    (c.SECTION_CONFIGURATION, "instrument name"),
    *((c.SECTION_SAMPLE, key) for key in c.ACQUIRED_KEYS),
    (c.SECTION_SAMPLE, "injection volume"),
    (c.SECTION_FILES, "method file"),
    (c.SECTION_FILES, "batch file"),
    (c.SECTION_HEADER, "data file name"),
    (c.SECTION_FILES, "data file"),
    (c.SECTION_SAMPLE, "sample type"),
    (c.SECTION_SAMPLE, "dilution factor"),
    (c.SECTION_SAMPLE, "sample amount"),
    (c.SECTION_HEADER, "application name"),
    (c.SECTION_HEADER, "version"),
}


def read_metadata(
    text: ShimadzuText, *, file: Path, dates: DateReader, number_format: NumberFormat
) -> tuple[dict[str, Scalar], list[str]]:
    """Metadata dict and warnings. Missing sections leave keys unset; bad dates and volumes raise."""
    blocks = {
        kind: key_values(section)
        for kind in c.KEY_VALUE_SECTIONS
        if (section := text.first(kind)) is not None
    }
    if c.SECTION_SAMPLE not in blocks:
        raise ParseError(
            f"Unable to find section [Sample Information] in '{file}'. "
            "Expected it in a Shimadzu ASCII export.",
            file=file,
        )

    def get(kind: str, key: str) -> tuple[str, int] | None:
        found = blocks.get(kind, {}).get(key)
        return found if found and found[0] else None

    def value(kind: str, key: str) -> str | None:
        found = get(kind, key)
        return found[0] if found else None

    meta: dict[str, Scalar] = {
        "sample_name": value(c.SECTION_SAMPLE, "sample name"),
        "sample_id": value(c.SECTION_SAMPLE, "sample id"),
        "operator": value(c.SECTION_SAMPLE, "operator name"),
        "vial": value(c.SECTION_SAMPLE, "vial#") or value(c.SECTION_SAMPLE, "vial"),
        "instrument": value(c.SECTION_CONFIGURATION, "instrument name"),
    }
    acquired_key = next((key for key in c.ACQUIRED_KEYS if get(c.SECTION_SAMPLE, key)), None)
    acquired = get(c.SECTION_SAMPLE, acquired_key) if acquired_key else None
    if acquired:
        column = acquired_key.title() if acquired_key else "Acquired"
        try:
            meta["injection_time"] = dates.iso(acquired[0], line=acquired[1], column=column)
        except ParseError:
            raise ParseError(
                f"Unable to read {column} date {acquired[0]!r} in '{file}' line {acquired[1]}. "
                "Expected a date and time such as '02/08/2023 16:11:10' or '21.2.2012. 13:16:57'.",
                file=file,
                line=acquired[1],
                column=column,
            ) from None
    volume = get(c.SECTION_SAMPLE, "injection volume")
    if volume:
        meta["injection_volume"] = parse_number(
            volume[0], file=file, line=volume[1], column="Injection Volume", number_format=number_format
        )
        meta["injection_volume_unit"] = c.INJECTION_VOLUME_UNIT
    method = value(c.SECTION_FILES, "method file")
    if method:
        meta["method"] = _stem(method)
        meta["method_file"] = method
    batch = value(c.SECTION_FILES, "batch file")
    if batch:
        meta["sequence"] = _stem(batch)
        meta["batch_file"] = batch
    data_file = value(c.SECTION_HEADER, "data file name") or value(c.SECTION_FILES, "data file")
    if data_file:
        meta["injection"] = _stem(data_file)
        meta["data_file"] = data_file
    sample_type = value(c.SECTION_SAMPLE, "sample type")
    if sample_type:
        # Written as "<code>:<label>", e.g. "1:Standard".
        meta["sample_type"] = sample_type.split(":", 1)[-1].strip() or sample_type
    for key, name in (("dilution factor", "dilution_factor"), ("sample amount", "sample_amount")):
        found = get(c.SECTION_SAMPLE, key)
        if found:
            meta[name] = parse_number(
                found[0], file=file, line=found[1], column=key, number_format=number_format
            )
    meta["software"] = value(c.SECTION_HEADER, "application name")
    meta["software_version"] = value(c.SECTION_HEADER, "version")
    meta = {k: v for k, v in meta.items() if v is not None}
    for kind in c.FREE_TEXT_SECTIONS:
        section = text.first(kind)
        lines = (
            [" ".join(cell.strip() for cell in row.cells if cell.strip()) for row in section.rows]
            if section
            else []
        )
        if any(lines):
            meta[kind.replace(" ", "_")] = "\n".join(line for line in lines if line)
    raw = (
        (row.cells[0].strip(), ", ".join(cell.strip() for cell in row.cells[1:] if cell.strip()))
        for kind in c.KEY_VALUE_SECTIONS
        if kind not in c.FREE_TEXT_SECTIONS and (section := text.first(kind)) is not None
        for row in section.rows
        if row.cells and (kind, normalize_key(row.cells[0])) not in _MAPPED
    )
    add_unmapped(meta, raw)
    return meta, [*missing_expected(meta, c.EXPECTED, file=file), *dates.warnings]
