"""Run-level metadata of a Shimadzu ASCII export, under the normalized keys of ``ingest.contract``."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ParseError
from ingest.models import Scalar
from parsers._common.dates import decide_order, parse_timestamp
from parsers._common.numbers import parse_number
from parsers.shimadzu_labsolutions_ascii import constants as c
from parsers.shimadzu_labsolutions_ascii.reader import ShimadzuText
from parsers.shimadzu_labsolutions_ascii.tables import key_values


def _windows_name(path: str) -> str:
    """The last component of a Windows path written by the instrument PC (never resolved locally)."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _stem(path: str) -> str | None:
    name = _windows_name(path)
    if not name:
        return None
    return name.rsplit(".", 1)[0] if "." in name else name


def read_metadata(text: ShimadzuText, *, file: Path) -> tuple[dict[str, Scalar], list[str]]:
    """Metadata dict and warnings. Missing sections leave keys unset; bad dates and volumes raise."""
    warnings: list[str] = []
    blocks = {
        kind: key_values(section)
        for kind in (
            c.SECTION_HEADER,
            c.SECTION_FILE,
            c.SECTION_SAMPLE,
            c.SECTION_FILES,
            c.SECTION_CONFIGURATION,
        )
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
    dates = [v for block in blocks.values() for v, _ in block.values()]
    order = decide_order(dates)
    acquired = get(c.SECTION_SAMPLE, "acquired")
    if acquired:
        stamp = parse_timestamp(acquired[0], order)
        if stamp is None:
            raise ParseError(
                f"Unable to read Acquired date {acquired[0]!r} in '{file}' line {acquired[1]}. "
                "Expected a date and time such as '02/08/2023 16:11:10' or '21.2.2012. 13:16:57'.",
                file=file,
                line=acquired[1],
                column="Acquired",
            )
        meta["injection_time"] = stamp.isoformat()
        if order.assumed:
            warnings.append(
                f"Acquired date {acquired[0]!r} could be day/month or month/day and nothing else in the file "
                "decides it; read it day first."
            )
    volume = get(c.SECTION_SAMPLE, "injection volume")
    if volume:
        meta["injection_volume"] = parse_number(
            volume[0], file=file, line=volume[1], column="Injection Volume"
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
            meta[name] = parse_number(found[0], file=file, line=found[1], column=key)
    meta["software"] = value(c.SECTION_HEADER, "application name")
    meta["software_version"] = value(c.SECTION_HEADER, "version")
    return {k: v for k, v in meta.items() if v is not None}, warnings
